# Compile each public header alone, first as pedantic C99, then as C++.
file(GLOB headers ${INC}/dsnguard/*.h)
file(MAKE_DIRECTORY ${OUT})
set(extra "")
foreach(d ${TALLOC_INC})
  list(APPEND extra -I${d})
endforeach()
foreach(h ${headers})
  get_filename_component(n ${h} NAME_WE)
  file(WRITE ${OUT}/${n}.c "#include <dsnguard/${n}.h>\nint dsng_headertest_${n};\n")
  execute_process(COMMAND ${CC} -std=c99 -Wall -Wextra -pedantic -Werror
      -I${INC} ${extra} -c ${OUT}/${n}.c -o ${OUT}/${n}.o
    RESULT_VARIABLE rc ERROR_VARIABLE msg)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dsnguard/${n}.h does not compile alone:\n${msg}")
  endif()
  # As C++ too: the extern "C" guards must hold and nothing C-only may leak.
  if(CXX)
    file(WRITE ${OUT}/${n}.cc "#include <dsnguard/${n}.h>\nint dsng_headertest_${n}_cc;\n")
    execute_process(COMMAND ${CXX} -std=c++11 -Wall -Wextra -pedantic -Werror
        -I${INC} ${extra} -c ${OUT}/${n}.cc -o ${OUT}/${n}_cc.o
      RESULT_VARIABLE rc ERROR_VARIABLE msg)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "dsnguard/${n}.h does not compile as C++:\n${msg}")
    endif()
  endif()
endforeach()
list(LENGTH headers count)
message(STATUS "${count} public headers compile alone (C99; C++11: ${CXX})")
