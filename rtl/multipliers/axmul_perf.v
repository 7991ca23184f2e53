// Partial-product perforation: the M partial products of b's bits J .. J+M-1 are never
// generated (their rows of the array are removed), an exact multiply of the rest.
module axmul_perf #(
    parameter SIGNED = 0,
    parameter J = 0,
    parameter M = 2
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  localparam [7:0] Keep = ~(((8'd1 << M) - 8'd1) << J);
  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  wire [15:0] m = {8'd0, ma} * {8'd0, mb & Keep};
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
