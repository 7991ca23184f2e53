// Underdesigned multiplier (Kulkarni, Gupta, Ercegovac 2011): 2x2 blocks with 3 x 3 = 7,
// composed recursively into 4x4 and 8x8 with exact addition of the four sub-products.
module axmul_kul2 (
    input  wire [1:0] a,
    input  wire [1:0] b,
    output wire [2:0] p
);
  assign p[0] = a[0] & b[0];
  assign p[1] = (a[1] & b[0]) | (a[0] & b[1]);
  assign p[2] = a[1] & b[1];
endmodule

module axmul_kul4 (
    input  wire [3:0] a,
    input  wire [3:0] b,
    output wire [7:0] p
);
  wire [2:0] ll, hl, lh, hh;
  axmul_kul2 u_ll (.a(a[1:0]), .b(b[1:0]), .p(ll));
  axmul_kul2 u_hl (.a(a[3:2]), .b(b[1:0]), .p(hl));
  axmul_kul2 u_lh (.a(a[1:0]), .b(b[3:2]), .p(lh));
  axmul_kul2 u_hh (.a(a[3:2]), .b(b[3:2]), .p(hh));
  assign p = {5'd0, ll} + ({5'd0, hl} << 2) + ({5'd0, lh} << 2) + ({5'd0, hh} << 4);
endmodule

module axmul_kulkarni #(
    parameter SIGNED = 0
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  wire [7:0] ll, hl, lh, hh;
  axmul_kul4 u_ll (.a(ma[3:0]), .b(mb[3:0]), .p(ll));
  axmul_kul4 u_hl (.a(ma[7:4]), .b(mb[3:0]), .p(hl));
  axmul_kul4 u_lh (.a(ma[3:0]), .b(mb[7:4]), .p(lh));
  axmul_kul4 u_hh (.a(ma[7:4]), .b(mb[7:4]), .p(hh));
  wire [15:0] m = {8'd0, ll} + ({8'd0, hl} << 4) + ({8'd0, lh} << 4) + ({8'd0, hh} << 8);
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
