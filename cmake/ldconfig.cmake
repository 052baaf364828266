# Refresh the dynamic loader's cache after installing into (or removing
# from) a library directory it searches: without this a new
# libdsnguard.so.0 under /usr/local/lib is not found until the next
# ldconfig.  Root only; otherwise say what to run.
execute_process(COMMAND id -u OUTPUT_VARIABLE _uid OUTPUT_STRIP_TRAILING_WHITESPACE)
set(_ldconfig "")
foreach(_c /sbin/ldconfig /usr/sbin/ldconfig)
  if(NOT _ldconfig AND EXISTS "${_c}")
    set(_ldconfig "${_c}")
  endif()
endforeach()
if(_uid STREQUAL "0" AND _ldconfig)
  message(STATUS "Running: ${_ldconfig}")
  execute_process(COMMAND "${_ldconfig}" RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(WARNING "ldconfig failed (${_rc}): run it as root")
  endif()
else()
  message(WARNING "not root: run ldconfig as root so the loader finds libdsnguard")
endif()
