// Shared blocks of the axpod multipliers: the sign-magnitude front and back ends that turn an
// unsigned 8x8 kernel into its signed form, sign(a)*sign(b)*M(|a|,|b|) (DESIGN.md, numeric
// contract), and an 8-bit leading-one detector.

// Operand magnitudes and product sign. With SIGNED = 0 the operands pass unchanged.
module axmul_sm_in #(
    parameter SIGNED = 0
) (
    input  wire [7:0] a,
    input  wire [7:0] b,
    output wire [7:0] ma,
    output wire [7:0] mb,
    output wire       neg
);
  generate
    if (SIGNED != 0) begin : g_signed
      // |-128| = 128 = 8'h80 is a valid unsigned magnitude.
      assign ma  = a[7] ? (~a + 8'd1) : a;
      assign mb  = b[7] ? (~b + 8'd1) : b;
      assign neg = a[7] ^ b[7];
    end else begin : g_unsigned
      assign ma  = a;
      assign mb  = b;
      assign neg = 1'b0;
    end
  endgenerate
endmodule

// Applies the sign to a 16-bit magnitude: a 17-bit two's complement product.
module axmul_sm_out (
    input  wire [15:0] m,
    input  wire        neg,
    output wire [16:0] p
);
  wire [16:0] ext = {1'b0, m};
  assign p = neg ? (~ext + 17'd1) : ext;
endmodule

// Position of the leading one of x (0 when x is 0 or 1).
module axmul_lod (
    input  wire [7:0] x,
    output reg  [2:0] pos
);
  integer n;
  always @* begin
    pos = 3'd0;
    for (n = 0; n < 8; n = n + 1) if (x[n]) pos = n[2:0];
  end
endmodule
