module mul_gates(input [7:0] x, input [7:0] y, output [16:0] z);
  wire n0, n1, n2;
  assign n0 = x[0] & y[0];
  assign n1 = x[1] & y[0];
  assign n2 = x[0] & y[1];
  assign z[0] = n0;
  assign z[1] = n1 ^ n2;
  assign z[16:2] = {x, 7'b0} + {8'b0, y[7:1]};
endmodule
