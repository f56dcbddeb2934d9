# Checks that each folder under SRC_DIR with a CMakeLists.txt links exactly
# the project folders its files include: the set of folders named by its
# .h/.cc files' `#include "folder/..."` must equal the set of folders of the
# dc_* targets its CMakeLists.txt links (a target's folder is the one whose
# CMakeLists.txt has its add_library/add_executable). A layer that includes
# a folder it does not link builds only by the accident of a transitive
# link; one that links a folder it never includes claims a dependency it
# does not have. Both hide the architecture src/README.md describes.
#
#   cmake -DSRC_DIR=path/to/src -P check_layers.cmake
#
# Prints one line per folder; FATAL_ERROR naming each folder that differs
# and how.
if(NOT SRC_DIR OR NOT IS_DIRECTORY "${SRC_DIR}")
  message(FATAL_ERROR "layers: give -DSRC_DIR=<the src directory>")
endif()
get_filename_component(SRC_DIR "${SRC_DIR}" ABSOLUTE)

# The folders: every directory below SRC_DIR with a CMakeLists.txt.
file(GLOB_RECURSE lists RELATIVE "${SRC_DIR}" "${SRC_DIR}/*/CMakeLists.txt")
set(folders)
foreach(list_file IN LISTS lists)
  get_filename_component(folder "${list_file}" DIRECTORY)
  list(APPEND folders "${folder}")
endforeach()
list(SORT folders)

# A CMakeLists.txt without its comments.
function(read_cmake_code path out)
  file(READ "${path}" code)
  string(REGEX REPLACE "#[^\n]*" "" code "${code}")
  set(${out} "${code}" PARENT_SCOPE)
endfunction()

# target -> folder, from each add_library/add_executable.
foreach(folder IN LISTS folders)
  read_cmake_code("${SRC_DIR}/${folder}/CMakeLists.txt" code)
  string(REGEX MATCHALL "add_(library|executable)\\([ \t\n]*[A-Za-z0-9_]+" adds "${code}")
  foreach(add IN LISTS adds)
    string(REGEX REPLACE "add_(library|executable)\\([ \t\n]*" "" target "${add}")
    set(folder_of_${target} "${folder}")
  endforeach()
endforeach()

# The folder that an include path lies in: the longest folder that is a
# prefix of its directory; empty when none is.
function(folder_of_include include out)
  get_filename_component(dir "${include}" DIRECTORY)
  set(best "")
  foreach(folder IN LISTS folders)
    string(LENGTH "${folder}" length)
    string(LENGTH "${best}" best_length)
    if((dir STREQUAL folder OR dir MATCHES "^${folder}/") AND length GREATER best_length)
      set(best "${folder}")
    endif()
  endforeach()
  set(${out} "${best}" PARENT_SCOPE)
endfunction()

set(mismatches)
foreach(folder IN LISTS folders)
  # What its CMakeLists links: the folders of the dc_* targets it names in
  # target_link_libraries.
  read_cmake_code("${SRC_DIR}/${folder}/CMakeLists.txt" code)
  string(REGEX MATCHALL "target_link_libraries\\([^)]*\\)" link_calls "${code}")
  set(links)
  foreach(call IN LISTS link_calls)
    string(REGEX MATCHALL "dc_[A-Za-z0-9_]+" targets "${call}")
    # The first word is the target being linked, not a dependency.
    list(POP_FRONT targets)
    foreach(target IN LISTS targets)
      if(NOT DEFINED folder_of_${target})
        list(APPEND mismatches "${folder} links ${target}, which no src folder defines")
        continue()
      endif()
      list(APPEND links "${folder_of_${target}}")
    endforeach()
  endforeach()

  # What its files include. A subfolder with its own CMakeLists.txt is
  # another layer; one without (api/openapi) is part of this one.
  file(GLOB_RECURSE sources RELATIVE "${SRC_DIR}/${folder}" "${SRC_DIR}/${folder}/*.h"
       "${SRC_DIR}/${folder}/*.cc")
  set(includes)
  foreach(source IN LISTS sources)
    get_filename_component(source_dir "${folder}/${source}" DIRECTORY)
    folder_of_include("${folder}/${source}" owner)
    if(NOT owner STREQUAL folder)
      continue()
    endif()
    file(STRINGS "${SRC_DIR}/${folder}/${source}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*" "\\1" path "${line}")
      folder_of_include("${path}" included)
      if(included)
        list(APPEND includes "${included}")
      endif()
    endforeach()
  endforeach()

  foreach(set_name links includes)
    list(REMOVE_DUPLICATES ${set_name})
    list(REMOVE_ITEM ${set_name} "${folder}")
    list(SORT ${set_name})
  endforeach()
  string(REPLACE ";" " " shown_includes "${includes}")
  string(REPLACE ";" " " shown_links "${links}")
  message(STATUS "layers: ${folder} includes ${shown_includes} links ${shown_links}")

  set(unlinked ${includes})
  set(unused ${links})
  if(links)
    list(REMOVE_ITEM unlinked ${links})
  endif()
  if(includes)
    list(REMOVE_ITEM unused ${includes})
  endif()
  if(unlinked)
    string(REPLACE ";" " " shown "${unlinked}")
    list(APPEND mismatches "${folder} includes ${shown} but does not link it")
  endif()
  if(unused)
    string(REPLACE ";" " " shown "${unused}")
    list(APPEND mismatches "${folder} links ${shown} but includes nothing of it")
  endif()
endforeach()

if(mismatches)
  string(REPLACE ";" "\n  layers: " shown "${mismatches}")
  message(FATAL_ERROR "layers: a CMakeLists.txt does not declare what its folder includes:\n"
                      "  layers: ${shown}")
endif()
message(STATUS "layers: every folder links exactly what it includes")
