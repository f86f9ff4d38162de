cmake_minimum_required(VERSION 3.25)
# Checks the module structure of src/ (docs/architecture.md): every #include of a module's file
# names a module at or below it in the data flow, and the library writes nothing to the terminal.
# Run: cmake -DSOURCE_DIR=<repo> -P tests/check_architecture.cmake
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "set SOURCE_DIR")
endif()

# Each module and the modules it may include (itself included).
set(allowed_common common)
set(allowed_io common io)
set(allowed_net common net)
set(allowed_dist common dist)
set(allowed_dsp common io dsp)
set(allowed_stats common stats)
set(allowed_sim common io dsp sim)
set(allowed_data common io dsp data)
set(allowed_features common io dsp features)
set(allowed_engine common io dsp features engine)
set(allowed_model common io dsp features engine model)
set(allowed_train common stats io dsp data features engine model train)
# eval: a folder per study, each over the shared probes; no study includes another.
set(below_eval common stats io dsp sim data features engine model train)
set(allowed_eval_beats common io eval_beats)
set(allowed_eval_probes ${below_eval} eval_probes)
set(allowed_eval_paper ${below_eval} eval_probes eval_paper)
set(allowed_eval_real ${below_eval} eval_probes eval_alarms infer eval_real)
set(allowed_eval_search ${below_eval} eval_search)
# The alarm evaluation judges risk series: it needs the alarm rule (infer), no learning.
set(allowed_eval_alarms common stats io dsp features engine infer eval_alarms)
# The scoring core and what stands on it link no LibTorch: neither infer nor api may include
# model/ (LibTorch networks and classifiers).
set(allowed_infer common io dsp features engine infer)
set(allowed_report ${below_eval} eval_beats eval_probes eval_paper eval_real eval_search eval_alarms
    infer report)
set(allowed_api common io dsp features engine infer api)
set(modules common io dsp stats sim data features engine model train eval_beats eval_probes
    eval_paper eval_real eval_search eval_alarms infer report api net dist)

set(problems "")
file(GLOB_RECURSE files RELATIVE ${SOURCE_DIR}/src ${SOURCE_DIR}/src/*.hpp ${SOURCE_DIR}/src/*.cpp)
foreach(f IN LISTS files)
  # A module is a folder of src/, or a study's folder inside src/eval (eval_<study>).
  string(REGEX MATCH "^[^/]+" module "${f}")
  if(module STREQUAL "eval")
    string(REGEX REPLACE "^eval/([^/]+)/.*" "eval_\\1" module "${f}")
  endif()
  if(NOT module IN_LIST modules)
    list(APPEND problems "src/${f}: not in a known module")
    continue()
  endif()
  file(STRINGS ${SOURCE_DIR}/src/${f} includes REGEX "^#include \"")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" inc "${line}")
    string(REGEX MATCH "^[^/]+" target "${inc}")
    if(target STREQUAL "eval")
      string(REGEX REPLACE "^eval/([^/]+)/.*" "eval_\\1" target "${inc}")
    endif()
    if(target STREQUAL "scapredict")
      continue()  # the public headers (version, error) are below everything
    endif()
    if(NOT target IN_LIST allowed_${module})
      list(APPEND problems "src/${f}: module '${module}' includes '${inc}' (reaches up or sideways)")
    endif()
  endforeach()
  file(STRINGS ${SOURCE_DIR}/src/${f} prints REGEX "std::cerr|std::cout|stderr|stdout|[^n]printf\\(|[^a-z_]puts\\(")
  foreach(line IN LISTS prints)
    if(line MATCHES "^[ ]*//")
      continue()  # a comment
    endif()
    list(APPEND problems "src/${f}: the library prints: ${line}")
  endforeach()
endforeach()

if(problems)
  list(JOIN problems "\n" text)
  message(FATAL_ERROR "architecture check failed:\n${text}")
endif()
list(LENGTH files n)
message(STATUS "architecture check: ${n} files in src/, every include points down the flow, no printing")
