// Operand truncation: the K least significant bits of each operand forced to zero.
module axmul_trunc_op #(
    parameter SIGNED = 0,
    parameter K = 2
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  localparam [7:0] MASK = 8'hFF << K;
  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  wire [15:0] m = {8'd0, ma & MASK} * {8'd0, mb & MASK};
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
