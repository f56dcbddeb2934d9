#include "beta/beta.h"

#include "gamma/gamma.h"
