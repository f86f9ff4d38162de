# Installs the Python module into a staging root (DESTDIR) as `make python-install` would, and
# imports it from there, from another directory, with no build tree on the path.
# cmake -DBUILD_DIR=... -DSTAGE=... -DINSTALL_DIR=... -DPYTHON=... -P python/check_install.cmake
file(REMOVE_RECURSE ${STAGE})
file(MAKE_DIRECTORY ${STAGE}/cwd)
set(ENV{DESTDIR} ${STAGE}/root)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --component python
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "install failed: ${out}${err}")
endif()
file(GLOB modules ${STAGE}/root${INSTALL_DIR}/scapredict*.so)
list(LENGTH modules n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one module under ${STAGE}/root${INSTALL_DIR}, found: ${modules}")
endif()
# The installed module must not look for libraries in the build tree.
execute_process(COMMAND readelf -d ${modules} OUTPUT_VARIABLE dyn RESULT_VARIABLE rc)
if(rc EQUAL 0 AND dyn MATCHES "${BUILD_DIR}")
  message(FATAL_ERROR "the installed module names the build tree:\n${dyn}")
endif()
set(ENV{PYTHONPATH} ${STAGE}/root${INSTALL_DIR})
set(ENV{PYTHONNOUSERSITE} 1)
execute_process(
  COMMAND ${PYTHON} -c
    "import scapredict, numpy; print(scapredict.__file__); print(scapredict.__version__); print(scapredict.hrv(numpy.arange(0, 600, 0.8), 300, end_s=600)['usable'].tolist())"
  WORKING_DIRECTORY ${STAGE}/cwd RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^${STAGE}/root" OR NOT out MATCHES "\\[True, True\\]")
  message(FATAL_ERROR "import from the installed copy failed (${rc}): ${out}${err}")
endif()
file(REMOVE_RECURSE ${STAGE})
message(STATUS "installed and imported: ${out}")
