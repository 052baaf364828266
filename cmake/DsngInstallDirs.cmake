# Where an installed libdsnguard puts what cannot follow GNUInstallDirs
# alone: the decision whether programs need a RUNPATH, whether install
# runs ldconfig, and the directories the Python and Perl interpreters
# really search.  Included once from the top-level CMakeLists.txt, after
# GNUInstallDirs.
#
# Results (all cache-free, recomputed at each configure):
#   DSNG_LIBDIR_IS_SYSTEM  the dynamic loader finds CMAKE_INSTALL_FULL_LIBDIR
#                          without help (ld.so's built-in directories or
#                          /etc/ld.so.conf), so no RUNPATH is set and a
#                          plain install runs ldconfig
#   DSNG_BIN_RPATH         RUNPATH for programs in CMAKE_INSTALL_BINDIR
#   DSNG_SBIN_RPATH        ... and in CMAKE_INSTALL_SBINDIR (the milter)
#                          (both empty when DSNG_LIBDIR_IS_SYSTEM)
#   DSNG_MODULE_RPATH      RUNPATH for the binding modules (absolute: they
#                          may live outside the prefix)
# Functions:
#   dsng_python_install_dir(PYTHON OUT)   where PYTHON imports from
#   dsng_perl_install_dir(OUT)            where the perl on PATH loads from

# ld.so.conf lines, with `include` globs followed (relative ones are
# relative to /etc, as ldconfig reads them).
function(_dsng_read_ld_so_conf file out)
  set(dirs)
  if(EXISTS "${file}")
    file(STRINGS "${file}" lines)
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "#.*" "" line "${line}")
      string(STRIP "${line}" line)
      if(line STREQUAL "")
        continue()
      endif()
      if(line MATCHES "^include[ \t]+(.*)$")
        set(pattern "${CMAKE_MATCH_1}")
        if(NOT IS_ABSOLUTE "${pattern}")
          set(pattern "/etc/${pattern}")
        endif()
        file(GLOB included ${pattern})
        list(SORT included)
        foreach(inc IN LISTS included)
          _dsng_read_ld_so_conf("${inc}" more)
          list(APPEND dirs ${more})
        endforeach()
      elseif(IS_ABSOLUTE "${line}")
        list(APPEND dirs "${line}")
      endif()
    endforeach()
  endif()
  set(${out} ${dirs} PARENT_SCOPE)
endfunction()

# The loader's own list, not CMAKE_C_IMPLICIT_LINK_DIRECTORIES: the
# latter is where the *linker* looks (gcc's private directory, whatever
# LIBRARY_PATH adds), which says nothing about what ld.so finds at run time.
set(_dsng_loader_dirs /lib /usr/lib /lib64 /usr/lib64)
if(CMAKE_LIBRARY_ARCHITECTURE)
  list(APPEND _dsng_loader_dirs /lib/${CMAKE_LIBRARY_ARCHITECTURE}
       /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
endif()
_dsng_read_ld_so_conf(/etc/ld.so.conf _dsng_conf_dirs)
list(APPEND _dsng_loader_dirs ${_dsng_conf_dirs})

get_filename_component(_dsng_libdir "${CMAKE_INSTALL_FULL_LIBDIR}" ABSOLUTE)
set(DSNG_LIBDIR_IS_SYSTEM OFF)
foreach(d IN LISTS _dsng_loader_dirs)
  get_filename_component(d "${d}" ABSOLUTE)
  if(d STREQUAL _dsng_libdir)
    set(DSNG_LIBDIR_IS_SYSTEM ON)
  endif()
endforeach()

set(DSNG_BIN_RPATH "")
set(DSNG_SBIN_RPATH "")
set(DSNG_MODULE_RPATH "")
if(NOT DSNG_LIBDIR_IS_SYSTEM)
  # Relative for the programs, so a tree installed with
  # `cmake --install --prefix DIR` still finds its own library.
  file(RELATIVE_PATH _dsng_bin_to_lib "${CMAKE_INSTALL_FULL_BINDIR}"
       "${_dsng_libdir}")
  set(DSNG_BIN_RPATH "$ORIGIN/${_dsng_bin_to_lib}")
  file(RELATIVE_PATH _dsng_sbin_to_lib "${CMAKE_INSTALL_FULL_SBINDIR}"
       "${_dsng_libdir}")
  set(DSNG_SBIN_RPATH "$ORIGIN/${_dsng_sbin_to_lib}")
  set(DSNG_MODULE_RPATH "${_dsng_libdir}")
endif()
if(DSNG_LIBDIR_IS_SYSTEM)
  message(STATUS "install: ${_dsng_libdir} is searched by the loader: no RUNPATH, ldconfig on install")
else()
  message(STATUS "install: ${_dsng_libdir} is not searched by the loader: RUNPATH ${DSNG_BIN_RPATH}")
endif()

# dsng_python_install_dir(PYTHON OUT): the directory, relative to the
# prefix when it lies under it (so --prefix and DESTDIR move it), that
# PYTHON imports from for this prefix:
#  - a site directory of PYTHON directly under <prefix>/lib (Debian's
#    python: /usr/local/lib/python3.11/dist-packages for /usr/local,
#    /usr/lib/python3/dist-packages for /usr; pyenv's for its own prefix);
#  - else, for a system prefix (its libdir found by the loader), PYTHON's
#    own site-packages, absolute (pyenv's python under /usr/local: nothing
#    there is on its path), returned as "/${VAR}", a variable the install
#    script sets (see below);
#  - else <prefix>/lib/pythonX.Y/site-packages, for PYTHONPATH.
function(dsng_python_install_dir python out)
  execute_process(COMMAND "${python}" -c [=[
import os, site, sys, sysconfig
prefix = os.path.normpath(sys.argv[1])
system = sys.argv[2] == "ON"
layout = os.path.relpath(sysconfig.get_path(
    "platlib", "posix_prefix", vars={"base": prefix, "platbase": prefix}), prefix)
for d in site.getsitepackages():
    rel = os.path.relpath(os.path.normpath(d), prefix)
    if rel.split(os.sep)[0] in ("lib", "lib64"):
        print(rel)
        break
else:
    print(sysconfig.get_path("platlib") if system else layout)
print(layout)
]=] "${CMAKE_INSTALL_PREFIX}" "${DSNG_LIBDIR_IS_SYSTEM}"
    OUTPUT_VARIABLE dirs OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE rc)
  string(REPLACE "\n" ";" dirs "${dirs}")
  list(LENGTH dirs n)
  if(NOT rc EQUAL 0 OR NOT n EQUAL 2)
    message(FATAL_ERROR "cannot ask ${python} for its site directory")
  endif()
  list(GET dirs 0 dir)
  list(GET dirs 1 layout)
  message(STATUS "python: ${python} imports from ${dir} (under the prefix when relative)")
  if(IS_ABSOLUTE "${dir}")
    # Outside the prefix: the install snapshot must look there too, and an
    # install moved elsewhere (`cmake --install --prefix DIR`, as for a
    # scratch tree) must not write into the interpreter's own directory:
    # there it goes under DIR, in the usual layout.  The choice is made
    # when installing, by a variable the install rules name.
    set_property(GLOBAL APPEND PROPERTY DSNG_INSTALL_ROOTS "${dir}")
    string(MAKE_C_IDENTIFIER "DSNG_PYDIR_${python}" var)
    # (Absolute to CMake as "/${VAR}", so VAR lacks the leading slash.)
    install(CODE "if(CMAKE_INSTALL_PREFIX STREQUAL \"${CMAKE_INSTALL_PREFIX}\")
  set(${var} \"${dir}\")
else()
  set(${var} \"\${CMAKE_INSTALL_PREFIX}/${layout}\")
endif()
string(REGEX REPLACE \"^/+\" \"\" ${var} \"\${${var}}\")")
    set(dir "/\${${var}}")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

# dsng_perl_install_dir(OUT): Perl's arch directory for this prefix, from
# perl's own Config: installsitearch when the prefix is Perl's site prefix
# (/usr/local), installvendorarch when it is the vendor prefix (/usr:
# Debian's packages), else the site layout moved under the prefix (for
# PERL5LIB).  Relative to the prefix.
function(dsng_perl_install_dir out)
  execute_process(COMMAND "${PERL_EXECUTABLE}" -MConfig -MFile::Spec -e [=[
my $p = File::Spec->canonpath($ARGV[0]);
my ($d, $from) = @Config{qw(installsitearch siteprefixexp)};
($d, $from) = @Config{qw(installvendorarch vendorprefixexp)}
    if $p eq $Config{vendorprefixexp} && $Config{installvendorarch};
$d =~ s{^\Q$from\E/}{} or die "$d is not under $from\n";
print $d;
]=] "${CMAKE_INSTALL_PREFIX}"
    OUTPUT_VARIABLE dir RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR dir STREQUAL "")
    message(FATAL_ERROR "cannot ask ${PERL_EXECUTABLE} for its arch directory")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

