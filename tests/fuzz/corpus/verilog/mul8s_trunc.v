module mul8s_trunc(A, B, O);
  input signed [7:0] A;
  input signed [7:0] B;
  output signed [15:0] O;
  wire signed [15:0] p = A * B;
  assign O = {p[15:4], 4'b0000};
endmodule
