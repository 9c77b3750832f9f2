using System.Text;

namespace MultiModal.Encoders.Tests;

/// <summary>The build's GLIBCXX fix (build/WeakGlibcxx.targets) reached this test output.</summary>
public sealed class BuildTests
{
    [Fact]
    public void LibTorchSharp_CopiedToOutput_Glibcxx3432RequirementIsWeak()
    {
        var path = Directory.GetFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).Single();
        var elf = File.ReadAllBytes(path);

        var flags = VersionNeedFlags(elf, "GLIBCXX_3.4.32");

        Assert.True(flags is not null, $"{path} no longer requires GLIBCXX_3.4.32: drop the workaround");
        Assert.Equal(0x2, flags!.Value & 0x2); // VER_FLG_WEAK
    }

    /// <summary>vna_flags of the named version requirement in .gnu.version_r, or null (ELF64 little-endian).</summary>
    private static ushort? VersionNeedFlags(byte[] elf, string name)
    {
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (var s = 0; s < shnum; s++)
        {
            int sh = (int)(shoff + (s * shentsize));
            if (BitConverter.ToUInt32(elf, sh + 4) != 0x6ffffffe)
            {
                continue;
            }
            long off = BitConverter.ToInt64(elf, sh + 0x18);
            int strSh = (int)(shoff + (BitConverter.ToInt32(elf, sh + 0x28) * shentsize));
            long strOff = BitConverter.ToInt64(elf, strSh + 0x18);
            long vn = off;
            for (var n = 0; n < BitConverter.ToInt32(elf, sh + 0x2C); n++)
            {
                long aux = vn + BitConverter.ToUInt32(elf, (int)vn + 8);
                for (var a = 0; a < BitConverter.ToUInt16(elf, (int)vn + 2); a++)
                {
                    int nameAt = (int)(strOff + BitConverter.ToUInt32(elf, (int)aux + 8));
                    int end = Array.IndexOf(elf, (byte)0, nameAt);
                    if (Encoding.ASCII.GetString(elf, nameAt, end - nameAt) == name)
                    {
                        return BitConverter.ToUInt16(elf, (int)aux + 4);
                    }
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                vn += BitConverter.ToUInt32(elf, (int)vn + 12);
            }
        }
        return null;
    }
}
