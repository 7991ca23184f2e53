// Broken-array multiplier (Mahdiani et al. 2010): the cell for a[j]*b[i] (row i, column i+j)
// is omitted when i < H (horizontal break) or i + j < V (vertical break); the kept rows add
// exactly.
module axmul_bam #(
    parameter SIGNED = 0,
    parameter H = 1,
    parameter V = 6
) (
    input  wire [ 7:0] a,
    input  wire [ 7:0] b,
    output wire [16:0] p
);
  /* verilator lint_off UNUSEDSIGNAL */  // break levels leave operand bits unused
  wire [7:0] ma, mb;
  /* verilator lint_on UNUSEDSIGNAL */
  wire neg;
  axmul_sm_in #(.SIGNED(SIGNED)) u_in (.a(a), .b(b), .ma(ma), .mb(mb), .neg(neg));
  wire [15:0] row[8];
  genvar i, j;
  generate
    for (i = 0; i < 8; i = i + 1) begin : g_row
      wire [7:0] keep;
      for (j = 0; j < 8; j = j + 1) begin : g_cell
        if (i >= H && i + j >= V) begin : g_on
          assign keep[j] = ma[j] & mb[i];
        end else begin : g_off
          assign keep[j] = 1'b0;
        end
      end
      assign row[i] = {8'd0, keep} << i;
    end
  endgenerate
  wire [15:0] m = row[0] + row[1] + row[2] + row[3] + row[4] + row[5] + row[6] + row[7];
  axmul_sm_out u_out (.m(m), .neg(neg), .p(p));
endmodule
