namespace MultiModal.Encoders.Imaging;

/// <summary>Entropy-coded scans: libjpeg jdhuff.c (sequential) and jdphuff.c (progressive) block decoders.</summary>
/// <remarks>
/// Data that stops early, at a marker or at the end of the file, is read as zero bits, as libjpeg's
/// jpeg_fill_bit_buffer does. The first MCU that needs one of those bits is decoded from them and sets libjpeg's
/// <c>insufficient_data</c>; the MCUs after it are not decoded at all (their coefficients stay zero, grey) until a
/// restart marker. <see cref="lastGoodImcuRow"/> follows jdcoefct.c for the block smoothing of progressive output.
/// </remarks>
internal sealed unsafe partial class JpegDecoder
{
    private int eobRun;
    private bool insufficientData; // libjpeg entropy->insufficient_data: skip MCUs until a restart marker
    private int scanNumber;        // libjpeg input_scan_number
    private int lastGoodImcuRow;   // libjpeg master->last_good_iMCU_row
    private (int Scan, int FirstMissing, int Total)? missing; // the first scan whose data stopped early

    private int DecodeScan(ReadOnlySpan<byte> data, ReadOnlySpan<byte> header, int dataStart)
    {
        JpegFrame f = frame!;
        scanNumber++;
        int n = header[0];
        if (n < 1 || n > 4 || header.Length < 1 + 2 * n + 3)
        {
            throw new InvalidDataException("bad scan header");
        }
        var comps = new JpegComponent[n];
        for (int i = 0; i < n; i++)
        {
            int id = header[1 + 2 * i];
            comps[i] = f.Components.FirstOrDefault(c => c.Id == id) ?? throw new InvalidDataException($"scan names unknown component {id}");
            comps[i].DcTable = header[2 + 2 * i] >> 4;
            comps[i].AcTable = header[2 + 2 * i] & 15;
        }
        int ss = header[1 + 2 * n], se = header[2 + 2 * n], ah = header[3 + 2 * n] >> 4, al = header[3 + 2 * n] & 15;
        if (!f.Progressive)
        {
            ss = 0;
            se = 63;
            ah = al = 0;
        }
        else if (ss > se || se > 63 || (ss == 0 && se != 0) || (ss > 0 && n != 1) || al > 13)
        {
            throw new InvalidDataException("bad progressive scan parameters");
        }
        if (f.Progressive)
        {
            // jdphuff.c start_pass_phuff_decoder: remember the previous progression state, then mark this band.
            foreach (var c in comps)
            {
                for (int k = Math.Min(ss, 1); k <= Math.Max(se, 9); k++)
                {
                    c.PrevCoefBits[k] = scanNumber > 1 ? c.CoefBits[k] : 0;
                }
                for (int k = ss; k <= se; k++)
                {
                    c.CoefBits[k] = al;
                }
            }
        }
        foreach (var c in comps)
        {
            c.Predictor = 0;
            bool needDc = ss == 0 && ah == 0;
            bool needAc = se > 0;
            if (c.DcTable > 3 || c.AcTable > 3 || (needDc && dcTables[c.DcTable] is null) || (needAc && acTables[c.AcTable] is null))
            {
                throw new InvalidDataException("scan uses an undefined Huffman table");
            }
        }
        bits = 0;
        bitCount = 0;
        readPos = dataStart;
        atMarker = false;
        eobRun = 0;
        padBits = 0;
        paddingUsed = false;
        insufficientData = false;

        int mcuCount, mcusPerLine;
        if (n == 1)
        {
            mcusPerLine = (comps[0].DownsampledWidth + 7) / 8;
            mcuCount = mcusPerLine * ((comps[0].DownsampledHeight + 7) / 8);
        }
        else
        {
            mcusPerLine = f.McusPerLine;
            mcuCount = f.McusPerLine * f.McusPerColumn;
        }
        fixed (byte* pinned = data)
        {
            src = pinned;
            srcLength = data.Length;
            try
            {
                DecodeMcus(comps, mcuCount, mcusPerLine, ss, se, ah, al);
            }
            finally
            {
                src = null;
            }
        }
        // Continue after the entropy data: the caller's marker loop skips to the next 0xFF xx marker.
        return Math.Min(readPos, data.Length);
    }

    private void DecodeMcus(JpegComponent[] comps, int mcuCount, int mcusPerLine, int ss, int se, int ah, int al)
    {
        int interval = restartInterval;
        int untilRestart = interval;
        for (int mcu = 0; mcu < mcuCount; mcu++)
        {
            int mx = mcu % mcusPerLine, my = mcu / mcusPerLine;
            if (!insufficientData)
            {
                // jdcoefct.c consume_data, before decode_mcu (which may then process a restart marker)
                lastGoodImcuRow = comps.Length == 1 ? my / comps[0].ImcuV : my;
            }
            if (interval > 0 && untilRestart == 0)
            {
                Restart();
                foreach (var c in comps)
                {
                    c.Predictor = 0;
                }
                eobRun = 0;
                untilRestart = interval;
            }
            untilRestart--;
            if (insufficientData)
            {
                // jdhuff.c / jdphuff.c: "just leave the MCU set to zeroes"
                missing ??= (scanNumber, mcu, mcuCount);
                continue;
            }
            if (comps.Length == 1)
            {
                DecodeBlock(comps[0], comps[0].Block(my, mx), ss, se, ah, al);
            }
            else
            {
                foreach (var c in comps)
                {
                    for (int by = 0; by < c.V; by++)
                    {
                        for (int bx = 0; bx < c.H; bx++)
                        {
                            DecodeBlock(c, c.Block(my * c.V + by, mx * c.H + bx), ss, se, ah, al);
                        }
                    }
                }
            }
            if (paddingUsed || bitCount < padBits)
            {
                insufficientData = true; // this MCU ran into the zeros fed past the data
            }
        }
    }

    private void DecodeBlock(JpegComponent c, Span<short> block, int ss, int se, int ah, int al)
    {
        if (!frame!.Progressive)
        {
            DecodeBaselineBlock(c, block);
            return;
        }
        if (ss == 0)
        {
            if (ah == 0)
            {
                // decode_mcu_DC_first
                int s = Decode(dcTables[c.DcTable]!);
                int diff = s == 0 ? 0 : Extend(Receive(s), s);
                c.Predictor += diff;
                block[0] = (short)(c.Predictor << al);
            }
            else if (Receive(1) != 0)
            {
                block[0] |= (short)(1 << al); // decode_mcu_DC_refine
            }
            return;
        }
        JpegHuffmanTable table = acTables[c.AcTable] ?? throw new InvalidDataException("undefined AC table");
        if (ah == 0)
        {
            // decode_mcu_AC_first
            if (eobRun > 0)
            {
                eobRun--;
                return;
            }
            for (int k = ss; k <= se; k++)
            {
                int rs = Decode(table);
                int r = rs >> 4, s = rs & 15;
                if (s != 0)
                {
                    k += r;
                    block[NaturalOrder[k]] = (short)(Extend(Receive(s), s) * (1 << al));
                }
                else if (r == 15)
                {
                    k += 15;
                }
                else
                {
                    eobRun = (1 << r) - 1;
                    if (r > 0)
                    {
                        eobRun += Receive(r);
                    }
                    break;
                }
            }
            return;
        }
        RefineAc(table, block, ss, se, al);
    }

    /// <summary>jdphuff.c decode_mcu_AC_refine: correction bits for nonzero coefficients, new ±1 &lt;&lt; Al coefficients.</summary>
    private void RefineAc(JpegHuffmanTable table, Span<short> block, int ss, int se, int al)
    {
        int p1 = 1 << al, m1 = -1 << al;
        int k = ss;
        if (eobRun == 0)
        {
            for (; k <= se; k++)
            {
                int rs = Decode(table);
                int r = rs >> 4, s = rs & 15;
                if (s != 0)
                {
                    s = Receive(1) != 0 ? p1 : m1; // s must be 1 in a valid stream
                }
                else if (r != 15)
                {
                    eobRun = 1 << r;
                    if (r > 0)
                    {
                        eobRun += Receive(r);
                    }
                    break;
                }
                do
                {
                    ref short coef = ref block[NaturalOrder[k]];
                    if (coef != 0)
                    {
                        if (Receive(1) != 0 && (coef & p1) == 0)
                        {
                            coef = (short)(coef >= 0 ? coef + p1 : coef + m1);
                        }
                    }
                    else if (--r < 0)
                    {
                        break;
                    }
                    k++;
                }
                while (k <= se);
                if (s != 0)
                {
                    block[NaturalOrder[k]] = (short)s;
                }
            }
        }
        if (eobRun > 0)
        {
            for (; k <= se; k++)
            {
                ref short coef = ref block[NaturalOrder[k]];
                if (coef != 0 && Receive(1) != 0 && (coef & p1) == 0)
                {
                    coef = (short)(coef >= 0 ? coef + p1 : coef + m1);
                }
            }
            eobRun--;
        }
    }

    /// <summary>
    /// jdhuff.c decode_mcu for one block: DC difference, then AC run/size pairs. The bit buffer lives in locals for the
    /// AC loop, and most coefficients come from <see cref="JpegHuffmanTable.FastAc"/> in one lookup.
    /// </summary>
    private void DecodeBaselineBlock(JpegComponent c, Span<short> blockSpan)
    {
        int s = Decode(dcTables[c.DcTable]!);
        int diff = s == 0 ? 0 : Extend(Receive(s), s);
        c.Predictor += diff;
        blockSpan[0] = (short)c.Predictor;
        JpegHuffmanTable ac = acTables[c.AcTable]!;
        ulong b = bits;
        int n = bitCount;
        fixed (short* block = blockSpan)
        fixed (byte* natural = NaturalOrder)
        fixed (int* fast = ac.FastAc)
        fixed (ushort* lookahead = ac.Lookahead)
        {
            for (int k = 1; k < 64; k++)
            {
                if (n < 16)
                {
                    bits = b;
                    bitCount = n;
                    Fill();
                    b = bits;
                    n = bitCount;
                }
                int peek = (int)(b >> (64 - JpegHuffmanTable.LookaheadBits));
                int entry = fast[peek];
                if (entry != 0)
                {
                    int used = entry & 0xFF;
                    b <<= used;
                    n -= used;
                    k += (entry >> 8) & 0xFF;
                    block[natural[k]] = (short)(entry >> 16);
                    continue;
                }
                int rs, len;
                entry = lookahead[peek];
                if (entry != 0)
                {
                    len = entry >> 8;
                    rs = entry & 0xFF;
                }
                else
                {
                    rs = SlowDecode(ac, (int)(b >> 48), out len);
                }
                b <<= len;
                n -= len;
                int r = rs >> 4;
                s = rs & 15;
                if (s == 0)
                {
                    if (r != 15)
                    {
                        break;
                    }
                    k += 15;
                    continue;
                }
                if (n < s)
                {
                    bits = b;
                    bitCount = n;
                    Fill();
                    b = bits;
                    n = bitCount;
                }
                int v = (int)(b >> (64 - s));
                b <<= s;
                n -= s;
                k += r;
                block[natural[k]] = (short)Extend(v, s);
            }
        }
        bits = b;
        bitCount = n;
    }

    /// <summary>Codes longer than the lookahead (jdhuff.c jpeg_huff_decode): compare against maxcode per length.</summary>
    private static int SlowDecode(JpegHuffmanTable table, int peek16, out int length)
    {
        for (int len = JpegHuffmanTable.LookaheadBits + 1; len <= 16; len++)
        {
            int code = peek16 >> (16 - len);
            if (code <= table.MaxCode[len])
            {
                length = len;
                return table.Values[table.ValueOffset[len] + code];
            }
        }
        throw new InvalidDataException("corrupt JPEG data: bad Huffman code");
    }
}
