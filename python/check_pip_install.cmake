# `pip install --no-build-isolation .` into a fresh virtual environment (system site packages:
# Debian's numpy), building with the configured tree BUILD_DIR (SCAPREDICT_BUILD_DIR), then from
# another folder: import, `python -m scapredict --version`, docstrings and type stubs.
# cmake -DSOURCE_DIR=... -DBUILD_DIR=... -DSTAGE=... -DPYTHON=... -P python/check_pip_install.cmake
file(REMOVE_RECURSE ${STAGE})
file(MAKE_DIRECTORY ${STAGE}/cwd)
execute_process(COMMAND ${PYTHON} -m venv --system-site-packages ${STAGE}/venv
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "python3 -m venv failed (Debian package python3-venv): ${err}")
endif()
set(VPY ${STAGE}/venv/bin/python)
# Some interpreters' setuptools cannot replace distutils; then it runs on the standard one.
execute_process(COMMAND ${VPY} -c "import setuptools" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(NOT rc EQUAL 0)
  set(ENV{SETUPTOOLS_USE_DISTUTILS} stdlib)
endif()
set(ENV{SCAPREDICT_BUILD_DIR} ${BUILD_DIR})
set(ENV{PYTHONNOUSERSITE} 1)
execute_process(COMMAND ${VPY} -m pip install --no-build-isolation --no-index --no-deps -q
                        ${SOURCE_DIR}
                WORKING_DIRECTORY ${STAGE}/cwd RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pip install failed (${rc}): ${out}${err}")
endif()
execute_process(COMMAND ${VPY} -m scapredict --version WORKING_DIRECTORY ${STAGE}/cwd
                RESULT_VARIABLE rc OUTPUT_VARIABLE version ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT version MATCHES "^scapredict [0-9]+\\.[0-9]+\\.[0-9]+\n$")
  message(FATAL_ERROR "python -m scapredict --version (${rc}): '${version}' ${err}")
endif()
execute_process(
  COMMAND ${VPY} -c [=[
import ast, inspect, pathlib, scapredict, scapredict._core as core
site = pathlib.Path(scapredict.__file__).parent
assert str(site).startswith(__import__("sys").prefix), site  # the installed copy, not the tree
assert (site / "py.typed").exists()
stub = ast.parse((site / "_core.pyi").read_text())
stubbed = {n.name for n in stub.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
stubbed |= {t.target.id for t in stub.body if isinstance(t, ast.AnnAssign)}
public = {n for n in dir(core) if not n.startswith("_")} | {"__version__"}
missing = public - stubbed - {"Progress"}
assert not missing, f"not in _core.pyi: {sorted(missing)}"
assert set(scapredict.__all__) == public, (sorted(scapredict.__all__), sorted(public))
undocumented = [n for n in public - {"__version__", "Error"} if not (getattr(core, n).__doc__ or "").strip()]
for name, member in vars(core.Model).items():
    if not name.startswith("_") and not (getattr(member, "__doc__", "") or "").strip():
        undocumented.append("Model." + name)
assert not undocumented, f"no docstring: {undocumented}"
print(scapredict.__version__, len(public), "names stubbed and documented")
]=]
  WORKING_DIRECTORY ${STAGE}/cwd RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the installed package failed its checks (${rc}): ${out}${err}")
endif()
file(REMOVE_RECURSE ${STAGE})
message(STATUS "pip-installed and imported: ${version}${out}")
