// The Verilated models themselves are registered from the generated rtl_models.cpp.
#include "rtl_adapter.h"
