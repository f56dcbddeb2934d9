#include "gamma/gamma.h"
