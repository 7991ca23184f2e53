module m(input [3:0] a, input [7:0] b, input en, output [7:0] o);
  assign o = en ? a * b : 0;
endmodule
