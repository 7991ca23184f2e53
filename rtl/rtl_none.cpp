// Built with AXPOD_WITH_VERILATOR=OFF: no rtl:* multipliers are registered.
namespace axpod::rtl {}
