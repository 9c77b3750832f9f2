using System.Buffers;

namespace MultiModal.Encoders.Imaging;

/// <summary>
/// libjpeg-turbo 2.1.5's interblock smoothing of progressive output (jdcoefct.c <c>smoothing_ok</c> and
/// <c>decompress_smooth_data</c>, on by default as <c>do_block_smoothing</c>): while some of the first nine AC
/// coefficients are not yet known to full precision, which is the case for a progressive file cut before its last
/// scans, each zero among them is estimated from the DC values of the 5x5 neighbouring blocks, and with no AC data at
/// all the DC value is re-estimated too. A complete progressive file never gets here (all bands reach Al = 0).
/// </summary>
internal sealed partial class JpegDecoder
{
    /// <summary>SAVED_COEFS: coef_bits[0..9] are latched.</summary>
    private const int SavedCoefs = 10;

    /// <summary>
    /// smoothing_ok: per component, coef_bits[0..9] now and as they were before the component's latest scan (-1 when
    /// one scan was read), or null when smoothing does not apply (not progressive, a zero quantiser, a component
    /// without DC, or every latched coefficient already exact).
    /// </summary>
    private (int[][] Current, int[][] Previous)? SmoothingLatch(JpegFrame f)
    {
        if (!f.Progressive)
        {
            return null;
        }
        bool useful = false;
        var current = new int[f.Components.Length][];
        var previous = new int[f.Components.Length][];
        for (int ci = 0; ci < f.Components.Length; ci++)
        {
            JpegComponent c = f.Components[ci];
            ushort[]? q = quantTables[c.QuantTable];
            if (q is null || q[0] == 0 || q[1] == 0 || q[8] == 0 || q[16] == 0 || q[9] == 0 || q[2] == 0
                || q[3] == 0 || q[10] == 0 || q[17] == 0 || q[24] == 0 || c.CoefBits[0] < 0)
            {
                return null;
            }
            current[ci] = c.CoefBits[..SavedCoefs];
            previous[ci] = new int[SavedCoefs];
            for (int k = 1; k < SavedCoefs; k++)
            {
                previous[ci][k] = scanNumber > 1 ? c.PrevCoefBits[k] : -1;
                useful |= c.CoefBits[k] != 0;
            }
        }
        return useful ? (current, previous) : null;
    }

    /// <summary>
    /// decompress_smooth_data for component <paramref name="ci"/>: a pooled copy of its coefficients (the caller returns
    /// it) in which the blocks that hold samples carry the estimates. iMCU rows after the last one decoded with data
    /// (<see cref="lastGoodImcuRow"/>) use the precision from before the latest scan, as libjpeg does.
    /// </summary>
    private short[] Smooth(JpegFrame f, int ci, ushort[] quant, (int[][] Current, int[][] Previous) latch)
    {
        JpegComponent c = f.Components[ci];
        int stride = c.BlocksPerLine, count = stride * c.BlocksPerColumn * 64;
        short[] src = c.Coefficients;
        short[] dst = ArrayPool<short>.Shared.Rent(count);
        src.AsSpan(0, count).CopyTo(dst);
        int v = c.ImcuV, lastImcu = f.ImcuRows - 1, lastCol = c.WidthInBlocks - 1;
        long q00 = quant[0], q01 = quant[1], q10 = quant[8], q20 = quant[16], q11 = quant[9], q02 = quant[2];
        long q03 = quant[3], q12 = quant[10], q21 = quant[17], q30 = quant[24];
        int Dc(int row, int col) => src[(row * stride + col) * 64];

        for (int imcu = 0; imcu <= lastImcu; imcu++)
        {
            int blockRows = imcu < lastImcu || c.HeightInBlocks % v == 0 ? v : c.HeightInBlocks % v;
            int[] bits = imcu > lastGoodImcuRow ? latch.Previous[ci] : latch.Current[ci];
            bool changeDc = true; // DC interpolation only when no AC coefficient data is available
            for (int k = 1; k < SavedCoefs; k++)
            {
                changeDc &= bits[k] == -1;
            }
            for (int br = 0; br < blockRows; br++)
            {
                int row = imcu * v + br;
                // The neighbour rows exactly as jdcoefct.c picks them (edge rows repeat).
                int prev = br > 0 || imcu > 0 ? row - 1 : row;
                int prevPrev = br > 1 || imcu > 1 ? row - 2 : prev;
                int next = br < blockRows - 1 || imcu < lastImcu ? row + 1 : row;
                int nextNext = br < blockRows - 2 || imcu + 1 < lastImcu ? row + 2 : next;
                int dc01, dc02, dc03, dc04, dc05, dc06, dc07, dc08, dc09, dc10, dc11, dc12, dc13, dc14, dc15;
                int dc16, dc17, dc18, dc19, dc20, dc21, dc22, dc23, dc24, dc25;
                dc01 = dc02 = dc03 = dc04 = dc05 = Dc(prevPrev, 0);
                dc06 = dc07 = dc08 = dc09 = dc10 = Dc(prev, 0);
                dc11 = dc12 = dc13 = dc14 = dc15 = Dc(row, 0);
                dc16 = dc17 = dc18 = dc19 = dc20 = Dc(next, 0);
                dc21 = dc22 = dc23 = dc24 = dc25 = Dc(nextNext, 0);
                for (int col = 0; col <= lastCol; col++)
                {
                    if (col == 0 && col < lastCol)
                    {
                        dc04 = Dc(prevPrev, 1);
                        dc09 = Dc(prev, 1);
                        dc14 = Dc(row, 1);
                        dc19 = Dc(next, 1);
                        dc24 = Dc(nextNext, 1);
                    }
                    if (col + 1 < lastCol)
                    {
                        dc05 = Dc(prevPrev, col + 2);
                        dc10 = Dc(prev, col + 2);
                        dc15 = Dc(row, col + 2);
                        dc20 = Dc(next, col + 2);
                        dc25 = Dc(nextNext, col + 2);
                    }
                    Span<short> ws = dst.AsSpan((row * stride + col) * 64, 64);
                    int al;
                    if ((al = bits[1]) != 0 && ws[1] == 0)
                    {
                        ws[1] = Estimate(q00 * (changeDc
                            ? -dc01 - dc02 + dc04 + dc05 - 3 * dc06 + 13 * dc07 - 13 * dc09 + 3 * dc10 - 3 * dc11 + 38 * dc12
                              - 38 * dc14 + 3 * dc15 - 3 * dc16 + 13 * dc17 - 13 * dc19 + 3 * dc20 - dc21 - dc22 + dc24 + dc25
                            : -7 * dc11 + 50 * dc12 - 50 * dc14 + 7 * dc15), q01, al);
                    }
                    if ((al = bits[2]) != 0 && ws[8] == 0)
                    {
                        ws[8] = Estimate(q00 * (changeDc
                            ? -dc01 - 3 * dc02 - 3 * dc03 - 3 * dc04 - dc05 - dc06 + 13 * dc07 + 38 * dc08 + 13 * dc09 - dc10
                              + dc16 - 13 * dc17 - 38 * dc18 - 13 * dc19 + dc20 + dc21 + 3 * dc22 + 3 * dc23 + 3 * dc24 + dc25
                            : -7 * dc03 + 50 * dc08 - 50 * dc18 + 7 * dc23), q10, al);
                    }
                    if ((al = bits[3]) != 0 && ws[16] == 0)
                    {
                        ws[16] = Estimate(q00 * (changeDc
                            ? dc03 + 2 * dc07 + 7 * dc08 + 2 * dc09 - 5 * dc12 - 14 * dc13 - 5 * dc14 + 2 * dc17 + 7 * dc18
                              + 2 * dc19 + dc23
                            : -dc03 + 13 * dc08 - 24 * dc13 + 13 * dc18 - dc23), q20, al);
                    }
                    if ((al = bits[4]) != 0 && ws[9] == 0)
                    {
                        ws[9] = Estimate(q00 * (changeDc
                            ? -dc01 + dc05 + 9 * dc07 - 9 * dc09 - 9 * dc17 + 9 * dc19 + dc21 - dc25
                            : dc10 + dc16 - 10 * dc17 + 10 * dc19 - dc02 - dc20 + dc22 - dc24 + dc04 - dc06 + 10 * dc07
                              - 10 * dc09), q11, al);
                    }
                    if ((al = bits[5]) != 0 && ws[2] == 0)
                    {
                        ws[2] = Estimate(q00 * (changeDc
                            ? 2 * dc07 - 5 * dc08 + 2 * dc09 + dc11 + 7 * dc12 - 14 * dc13 + 7 * dc14 + dc15 + 2 * dc17
                              - 5 * dc18 + 2 * dc19
                            : -dc11 + 13 * dc12 - 24 * dc13 + 13 * dc14 - dc15), q02, al);
                    }
                    if (changeDc)
                    {
                        if ((al = bits[6]) != 0 && ws[3] == 0)
                        {
                            ws[3] = Estimate(q00 * (dc07 - dc09 + 2 * dc12 - 2 * dc14 + dc17 - dc19), q03, al);
                        }
                        if ((al = bits[7]) != 0 && ws[10] == 0)
                        {
                            ws[10] = Estimate(q00 * (dc07 - 3 * dc08 + dc09 - dc17 + 3 * dc18 - dc19), q12, al);
                        }
                        if ((al = bits[8]) != 0 && ws[17] == 0)
                        {
                            ws[17] = Estimate(q00 * (dc07 - dc09 - 3 * dc12 + 3 * dc14 + dc17 - dc19), q21, al);
                        }
                        if ((al = bits[9]) != 0 && ws[24] == 0)
                        {
                            ws[24] = Estimate(q00 * (dc07 + 2 * dc08 + dc09 - dc17 - 2 * dc18 - dc19), q30, al);
                        }
                        // coef_bits[0] is non-negative (smoothing_ok checked it): the DC estimate is not clamped.
                        ws[0] = Estimate(q00 * (-2 * dc01 - 6 * dc02 - 8 * dc03 - 6 * dc04 - 2 * dc05 - 6 * dc06 + 6 * dc07
                            + 42 * dc08 + 6 * dc09 - 6 * dc10 - 8 * dc11 + 42 * dc12 + 152 * dc13 + 42 * dc14 - 8 * dc15
                            - 6 * dc16 + 6 * dc17 + 42 * dc18 + 6 * dc19 - 6 * dc20 - 2 * dc21 - 6 * dc22 - 8 * dc23
                            - 6 * dc24 - 2 * dc25), q00, 0);
                    }
                    dc01 = dc02;
                    dc02 = dc03;
                    dc03 = dc04;
                    dc04 = dc05;
                    dc06 = dc07;
                    dc07 = dc08;
                    dc08 = dc09;
                    dc09 = dc10;
                    dc11 = dc12;
                    dc12 = dc13;
                    dc13 = dc14;
                    dc14 = dc15;
                    dc16 = dc17;
                    dc17 = dc18;
                    dc18 = dc19;
                    dc19 = dc20;
                    dc21 = dc22;
                    dc22 = dc23;
                    dc23 = dc24;
                    dc24 = dc25;
                }
            }
        }
        return dst;
    }

    /// <summary>
    /// One estimate: |num| / (q * 256) rounded to nearest (ties up, in 64-bit as JLONG), clamped below 2^Al when Al &gt; 0
    /// (the bits a later scan would have sent), with the sign of <paramref name="num"/>.
    /// </summary>
    private static short Estimate(long num, long q, int al)
    {
        int pred = (int)((((q << 7) + Math.Abs(num)) / (q << 8)));
        if (al > 0 && pred >= 1 << al)
        {
            pred = (1 << al) - 1;
        }
        return (short)(num >= 0 ? pred : -pred);
    }
}
