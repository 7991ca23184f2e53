// DRUM (Hashemi, Bahar, Reda 2015): each operand of K or more significant bits keeps the K bits
// from its leading one with the lowest kept bit forced to 1; K x K multiply, shift back.
module axmul_drum_reduce #(
    parameter K = 4
) (
    input  wire [7:0] x,
    output wire [7:0] y,   // reduced operand (below 2^K)
    output wire [2:0] sh   // shift to apply to the product
);
  localparam integer KM1_INT = K - 1;
  localparam [2:0] KM1 = KM1_INT[2:0];
  wire [2:0] lead;
  axmul_lod u_lod (.x(x), .pos(lead));
  wire big = (x >> K) != 8'd0;
  assign sh = big ? (lead - KM1) : 3'd0;
  assign y  = big ? ((x >> sh) | 8'd1) : x;
endmodule

module axmul_drum #(
    parameter SIGNED = 0,
    parameter K = 4
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  wire [7:0] ya, yb;
  wire [2:0] sa, sb;
  axmul_drum_reduce #(.K(K)) u_ra (.x(ma), .y(ya), .sh(sa));
  axmul_drum_reduce #(.K(K)) u_rb (.x(mb), .y(yb), .sh(sb));
  wire [15:0] core = {8'd0, ya} * {8'd0, yb};
  wire [15:0] m = core << ({1'b0, sa} + {1'b0, sb});
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
