// Exact 8x8 multiplier.
module axmul_exact #(
    parameter SIGNED = 0
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  wire [15:0] m = {8'd0, ma} * {8'd0, mb};
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
