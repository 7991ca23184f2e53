// Golden RTL reference of a weight-stationary pod: an R x C PE array with double-buffered
// stationary registers, the same clock-by-clock behaviour as sim/core/systolic_array.h (tick,
// load_shadow_row, swap), and a real multiplier instance from rtl/multipliers/ in every PE.
//
// Per rising edge, with the values before the edge:
//   act[r][c]  <= c == 0 ? a_in[r] : act[r][c-1]                (and its valid bit)
//   psum[r][c] <= (r == 0 ? 0 : psum[r-1][c]) + (act' and stat valid ? M(act', stat) : 0)
//   psum valid <= r == 0 ? act'valid & stat valid : psum valid[r-1][c]
// where act' is the new act[r][c]; the bottom row is the output. Separately, w_we writes shadow
// row w_row (its first w_ncols entries valid; writing row 0 also invalidates rows >= w_nrows),
// and swap exchanges the shadow and active stationary registers; a row written in the clock of a
// swap becomes active at once (the C++ array writes, then swaps).
module axpod_ws_pod #(
    parameter R = 8,
    parameter C = 8,
    parameter MULT = 0  // 0: exact (signed), 1: drum k=4 (signed)
) (
    input  wire             clk,
    input  wire [  R*8-1:0] a_in,     // left edge, row r in bits [8r+7:8r]
    input  wire [    R-1:0] a_valid,
    input  wire             w_we,     // write one shadow row
    input  wire [      7:0] w_row,
    input  wire [      8:0] w_ncols,
    input  wire [      8:0] w_nrows,
    input  wire [  C*8-1:0] w_in,
    input  wire             swap,
    output wire [ C*32-1:0] p_out,    // bottom edge, column c in bits [32c+31:32c]
    output wire [    C-1:0] p_valid
);
  reg [7:0] stat[R][C];
  reg stat_v[R][C];
  reg [7:0] shadow[R][C];
  reg shadow_v[R][C];
  reg [7:0] act[R][C];
  reg act_v[R][C];
  reg [31:0] psum[R][C];
  reg psum_v[R][C];

  genvar r, c;
  generate
    for (r = 0; r < R; r = r + 1) begin : g_r
      for (c = 0; c < C; c = c + 1) begin : g_c
        wire [7:0] a_next = (c == 0) ? a_in[8*r+7:8*r] : act[r][(c == 0) ? 0 : c-1];
        wire a_next_v = (c == 0) ? a_valid[r] : act_v[r][(c == 0) ? 0 : c-1];
        wire [16:0] prod;
        if (MULT == 0) begin : g_exact
          axmul_exact #(.SIGNED(1)) u_mul (.a(a_next), .b(stat[r][c]), .p(prod));
        end else begin : g_drum
          axmul_drum #(.SIGNED(1), .K(4)) u_mul (.a(a_next), .b(stat[r][c]), .p(prod));
        end
        wire use_it = a_next_v & stat_v[r][c];
        wire [31:0] add = use_it ? {{15{prod[16]}}, prod} : 32'd0;
        wire [31:0] above = (r == 0) ? 32'd0 : psum[(r == 0) ? 0 : r-1][c];
        wire above_v = (r == 0) ? (a_next_v & stat_v[r][c]) : psum_v[(r == 0) ? 0 : r-1][c];
        always @(posedge clk) begin
          act[r][c] <= a_next;
          act_v[r][c] <= a_next_v;
          psum[r][c] <= above + add;
          psum_v[r][c] <= above_v;
          if (swap) begin
            // A row written in the swapping clock goes straight to the active registers.
            if (w_we && w_row == r) begin
              stat[r][c] <= w_in[8*c+7:8*c];
              stat_v[r][c] <= c < w_ncols;
            end else if (w_we && w_row == 0 && r >= w_nrows) begin
              stat[r][c] <= shadow[r][c];
              stat_v[r][c] <= 1'b0;
            end else begin
              stat[r][c] <= shadow[r][c];
              stat_v[r][c] <= shadow_v[r][c];
            end
            shadow[r][c] <= stat[r][c];
            shadow_v[r][c] <= stat_v[r][c];
          end else if (w_we && w_row == r) begin
            shadow[r][c] <= w_in[8*c+7:8*c];
            shadow_v[r][c] <= c < w_ncols;
          end else if (w_we && w_row == 0 && r >= w_nrows) begin
            shadow_v[r][c] <= 1'b0;
          end
        end
      end
      if (r == R - 1) begin : g_out
        for (c = 0; c < C; c = c + 1) begin : g_o
          assign p_out[32*c+31:32*c] = psum[r][c];
          assign p_valid[c] = psum_v[r][c];
        end
      end
    end
  endgenerate
endmodule
