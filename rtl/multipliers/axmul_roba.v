// RoBA (Zendegani et al. 2017): operands rounded to the nearest power of two (the bit below the
// leading one rounds up), a*b ~ Ar*b + a*Br - Ar*Br computed with shifts and adds.
module axmul_roba_round (
    input  wire [7:0] x,
    output wire [3:0] e,    // exponent of the rounded value, 0..8
    output wire       nz    // x != 0
);
  wire [2:0] lead;
  axmul_lod u_lod (.x(x), .pos(lead));
  wire up = (lead != 3'd0) && x[lead-3'd1];
  assign e  = {1'b0, lead} + {3'd0, up};
  assign nz = x != 8'd0;
endmodule

module axmul_roba #(
    parameter SIGNED = 0
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  wire [3:0] ea, eb;
  wire nza, nzb;
  axmul_roba_round u_ra (.x(ma), .e(ea), .nz(nza));
  axmul_roba_round u_rb (.x(mb), .e(eb), .nz(nzb));
  wire [17:0] t1 = nza ? ({10'd0, mb} << ea) : 18'd0;  // Ar * b
  wire [17:0] t2 = nzb ? ({10'd0, ma} << eb) : 18'd0;  // a * Br
  wire [4:0] eab = {1'b0, ea} + {1'b0, eb};  // up to 16: needs 5 bits
  wire [17:0] t3 = (nza && nzb) ? (18'd1 << eab) : 18'd0;  // Ar * Br
  /* verilator lint_off UNUSEDSIGNAL */
  wire [17:0] sum = t1 + t2 - t3;
  /* verilator lint_on UNUSEDSIGNAL */
  wire [15:0] m = sum[15:0];
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
