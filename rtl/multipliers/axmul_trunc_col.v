// Fixed-width multiplier (product-column truncation): partial-product bits in the K least
// significant columns are never generated; with CORR = 1 a constant equal to their expected
// value under uniform operands (a partial-product bit is 1 with probability 1/4) is added,
// rounded to the nearest integer, unless an operand is zero (a zero operand gates the unit).
module axmul_trunc_col #(
    parameter SIGNED = 0,
    parameter K = 6,
    parameter CORR = 0
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  // 4 x the expected value of the dropped bits: column c holds min(c + 1, 15 - c) bits.
  function automatic integer dropped_x4(input integer k);
    integer c;
    begin
      dropped_x4 = 0;
      for (c = 0; c < k; c = c + 1) dropped_x4 = dropped_x4 + ((c < 8) ? c + 1 : 15 - c) * (1 << c);
    end
  endfunction
  localparam integer CorrValue = (CORR != 0) ? (dropped_x4(K) + 2) / 4 : 0;

  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  reg [15:0] m;
  integer i, j;
  always @* begin
    m = 16'd0;
    for (i = 0; i < 8; i = i + 1)
      for (j = 0; j < 8; j = j + 1)
        if (i + j >= K && ma[j] && mb[i]) m = m + (16'd1 << (i + j));
    if (ma != 8'd0 && mb != 8'd0) m = m + CorrValue[15:0];
  end
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
