// Partial-product tree with approximate 4:2 compressors (after Momeni et al., IEEE TC 2015,
// simplified, no carry-in/out): rows 0-3 and 4-7 form two groups; in each column c < K of a
// group the four bits compress to sum = (x1 ^ x2) | (x3 ^ x4) (weight 2^c) and
// carry = (x1 & x2) | (x3 & x4) (weight 2^(c+1)); other columns and the final sum are exact.
module axmul_compressor42 #(
    parameter SIGNED = 0,
    parameter K = 8
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  reg [15:0] m;
  reg x0, x1, x2, x3;
  integer g, c;
  // Bit j of a times bit i of b, 0 outside the array.
  function automatic pp(input [7:0] x, input [7:0] y, input integer i, input integer j);
    pp = (j >= 0 && j < 8) ? (x[j] & y[i]) : 1'b0;
  endfunction
  always @* begin
    m = 16'd0;
    for (g = 0; g < 8; g = g + 4)
      for (c = 0; c < 16; c = c + 1) begin
        x0 = pp(ma, mb, g, c - g);
        x1 = pp(ma, mb, g + 1, c - g - 1);
        x2 = pp(ma, mb, g + 2, c - g - 2);
        x3 = pp(ma, mb, g + 3, c - g - 3);
        if (c < K)
          m = m + ({15'd0, (x0 ^ x1) | (x2 ^ x3)} << c) + ({15'd0, (x0 & x1) | (x2 & x3)} << (c + 1));
        else
          m = m + ({13'd0, {2'b00, x0} + {2'b00, x1} + {2'b00, x2} + {2'b00, x3}} << c);
      end
  end
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
