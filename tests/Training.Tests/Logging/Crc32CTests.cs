using System.Text;

namespace MultiModal.Training.Tests.Logging;

public sealed class Crc32CTests
{
    [Fact]
    public void Compute_CheckString_MatchesTheStandardCheckValue()
    {
        // The CRC-32C catalogue's check value for "123456789" (RFC 3720 appendix B.4 algorithm).
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }
}
