# `make uninstall`: remove exactly what the last `make install` from this
# build directory put, read from its install_manifest.txt, then the
# directories it created that are now empty (those missing from the
# snapshot install-snapshot.cmake took), then refresh the loader's cache
# when the install had done so.
#
# cmake -DDSNG_BUILD_DIR=... -DDSNG_LDCONFIG_PREFIX=... -P uninstall.cmake
cmake_minimum_required(VERSION 3.18)
# A staged install (DESTDIR=... make install) is removed with the same
# DESTDIR: the manifest lists the paths without it.
set(_manifest "${DSNG_BUILD_DIR}/install_manifest.txt")
set(_snapshot "${DSNG_BUILD_DIR}/install_dirs_before.txt")
if(NOT EXISTS "${_manifest}")
  message(FATAL_ERROR "uninstall: no ${_manifest}: nothing was installed from this build directory")
endif()
file(STRINGS "${_manifest}" _listed)
set(_files)
foreach(_f IN LISTS _listed)
  list(APPEND _files "$ENV{DESTDIR}${_f}")
endforeach()
set(_before)
set(_dest "")
if(EXISTS "${_snapshot}")
  file(STRINGS "${_snapshot}" _before)
  list(POP_FRONT _before _dest)
  # Never remove real files for a staged install's manifest, or the reverse.
  if(NOT _dest MATCHES "^# ([^|]*)\\|(.*)$")
    message(FATAL_ERROR "uninstall: ${_snapshot} is not a snapshot")
  endif()
  set(_prefix "${CMAKE_MATCH_2}")
  if(NOT "$ENV{DESTDIR}" STREQUAL "${CMAKE_MATCH_1}")
    message(FATAL_ERROR "uninstall: the last install was with DESTDIR='${CMAKE_MATCH_1}': "
            "run uninstall with that DESTDIR")
  endif()
else()
  message(FATAL_ERROR "uninstall: no ${_snapshot}: the install did not complete")
endif()

set(_parents)
foreach(_f IN LISTS _files)
  set(_gone "${_f}")
  # Python writes __pycache__/<name>.<tag>.pyc next to a .py it imports:
  # made from our file, so ours to remove.
  if(_f MATCHES "^(.*)/([^/]+)\\.py$")
    file(GLOB _pyc "${CMAKE_MATCH_1}/__pycache__/${CMAKE_MATCH_2}.*.pyc")
    list(APPEND _gone ${_pyc})
  endif()
  foreach(_g IN LISTS _gone)
    if(IS_SYMLINK "${_g}" OR EXISTS "${_g}")
      message(STATUS "Removing: ${_g}")
      file(REMOVE "${_g}")
      if(IS_SYMLINK "${_g}" OR EXISTS "${_g}")
        message(FATAL_ERROR "uninstall: cannot remove ${_g}")
      endif()
    else()
      message(STATUS "Not there: ${_g}")
    endif()
    get_filename_component(_p "${_g}" DIRECTORY)
    list(APPEND _parents "${_p}")
  endforeach()
endforeach()

# Deepest first, so a/b goes before a can be seen empty.
list(REMOVE_DUPLICATES _parents)
set(_todo ${_parents})
while(_todo)
  list(POP_FRONT _todo _d)
  if(NOT IS_DIRECTORY "${_d}" OR "${_d}" IN_LIST _before OR _d STREQUAL "/")
    continue()
  endif()
  file(GLOB _left LIST_DIRECTORIES true "${_d}/*" "${_d}/.*")
  if(_left)
    continue()
  endif()
  message(STATUS "Removing directory: ${_d}")
  file(REMOVE_RECURSE "${_d}")
  get_filename_component(_p "${_d}" DIRECTORY)
  list(APPEND _todo "${_p}")
endwhile()
file(REMOVE "${_manifest}" "${_snapshot}")

if(DSNG_LDCONFIG_PREFIX AND "$ENV{DESTDIR}" STREQUAL "" AND
   _prefix STREQUAL DSNG_LDCONFIG_PREFIX)
  include("${CMAKE_CURRENT_LIST_DIR}/ldconfig.cmake")
endif()
