# Run by `make install` before anything is copied (install(CODE) first in
# the top-level CMakeLists.txt): remember which directories already exist
# where this install will write, so that `make uninstall` removes the
# directories the install created and only those.
#
# In: DSNG_SNAPSHOT (file to write), DSNG_ROOTS_FILE (written at configure
# time: the absolute install directories outside the prefix), and the
# install's own CMAKE_INSTALL_PREFIX and DESTDIR.  A snapshot of an earlier
# install to the same place is kept: a second `make install` over the
# first must not make the first one's directories look pre-existing.
# First line: "# DESTDIR|prefix" of this install, which uninstall checks.
set(_dest "# $ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
if(EXISTS "${DSNG_SNAPSHOT}")
  file(STRINGS "${DSNG_SNAPSHOT}" _first LIMIT_COUNT 1)
  if(_first STREQUAL _dest)
    return()
  endif()
endif()

set(_roots "${CMAKE_INSTALL_PREFIX}")
if(EXISTS "${DSNG_ROOTS_FILE}")
  file(STRINGS "${DSNG_ROOTS_FILE}" _extra)
  list(APPEND _roots ${_extra})
endif()
set(_dirs)
foreach(_r IN LISTS _roots)
  set(_r "$ENV{DESTDIR}${_r}")
  # The root's existing ancestors, then everything below it.
  set(_up "${_r}")
  while(NOT _up STREQUAL "/" AND NOT _up STREQUAL "")
    if(IS_DIRECTORY "${_up}")
      list(APPEND _dirs "${_up}")
    endif()
    get_filename_component(_up "${_up}" DIRECTORY)
  endwhile()
  if(IS_DIRECTORY "${_r}")
    execute_process(COMMAND find "${_r}" -xdev -type d
                    OUTPUT_VARIABLE _found OUTPUT_STRIP_TRAILING_WHITESPACE)
    string(REPLACE "\n" ";" _found "${_found}")
    list(APPEND _dirs ${_found})
  endif()
endforeach()
list(REMOVE_DUPLICATES _dirs)
string(REPLACE ";" "\n" _dirs "${_dirs}")
file(WRITE "${DSNG_SNAPSHOT}" "${_dest}\n${_dirs}\n")
