// Iterative logarithmic multiplier (Babic, Avramovic, Bulic 2011): the basic block
// 2^(ka+kb) + (a - 2^ka) 2^kb + (b - 2^kb) 2^ka from the leading ones ka, kb, plus ITER
// corrections that apply the same block to the residues a - 2^ka and b - 2^kb; it stops when
// a residue is zero.
module axmul_ilm #(
    parameter SIGNED = 0,
    parameter ITER = 1
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  function automatic integer leading_one(input [7:0] x);
    integer i;
    begin
      leading_one = 0;
      for (i = 0; i < 8; i = i + 1) if (x[i]) leading_one = i;
    end
  endfunction

  wire [7:0] ma, mb;
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  reg [15:0] m;
  reg [7:0] ra, rb;
  reg [7:0] da, db;
  integer it, ka, kb;
  always @* begin
    m  = 16'd0;
    ra = ma;
    rb = mb;
    for (it = 0; it <= ITER; it = it + 1) begin
      if (ra != 8'd0 && rb != 8'd0) begin
        ka = leading_one(ra);
        kb = leading_one(rb);
        da = ra - (8'd1 << ka);
        db = rb - (8'd1 << kb);
        m  = m + (16'd1 << (ka + kb)) + ({8'd0, da} << kb) + ({8'd0, db} << ka);
        ra = da;
        rb = db;
      end else begin
        ra = 8'd0;
        rb = 8'd0;
      end
    end
  end
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
