// EvoApprox8b-style unsigned multiplier: ports A, B, O, a helper module.
module half(input x, input y, output s, output c);
  assign s = x ^ y;
  assign c = x & y;
endmodule
module mul8u_seed(input [7:0] A, input [7:0] B, output [15:0] O);
  wire [15:0] full = A * B;
  wire s, c;
  half h0 (.x(full[0]), .y(1'b0), .s(s), .c(c));
  assign O = {full[15:1], s};
endmodule
