// Mitchell logarithmic multiplier (1962): leading-one positions and 7-bit fractions (optionally
// truncated to W bits) are added; the antilog is piecewise linear; the final shift truncates.
module axmul_mitchell #(
    parameter SIGNED = 0,
    parameter W = 7
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  localparam [6:0] FMASK = 7'h7F << (7 - W);
  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  wire [2:0] ka, kb;
  axmul_lod u_la (.x(ma), .pos(ka));
  axmul_lod u_lb (.x(mb), .pos(kb));
  // Residue below the leading one, aligned as a Q0.7 fraction.
  wire [6:0] ra = ma[6:0] & ~(7'd1 << ka);
  wire [6:0] rb = mb[6:0] & ~(7'd1 << kb);
  wire [6:0] fa = (ra << (3'd7 - ka)) & FMASK;
  wire [6:0] fb = (rb << (3'd7 - kb)) & FMASK;
  wire [7:0] s = {1'b0, fa} + {1'b0, fb};
  wire ovf = s[7];
  wire [7:0] mant = ovf ? s : (8'd128 + s);
  wire [3:0] e = {1'b0, ka} + {1'b0, kb} + {3'd0, ovf};
  /* verilator lint_off UNUSEDSIGNAL */
  wire [22:0] wide = {15'd0, mant} << e;
  /* verilator lint_on UNUSEDSIGNAL */
  wire [15:0] m = (ma == 8'd0 || mb == 8'd0) ? 16'd0 : wide[22:7];
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
