using System.Globalization;

namespace MultiModal.Bench.Soak.Reporting;

/// <summary>The machine's load average (runnable threads, /proc/loadavg): context for latencies on a shared machine.</summary>
internal static class MachineLoad
{
    /// <summary>The 1-minute load average, or NaN where /proc/loadavg is missing.</summary>
    public static double OneMinute()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    /// <summary>Samples the load average every 10 seconds; <see cref="Mean"/> and <see cref="Max"/> over the samples.</summary>
    public sealed class Sampler : IDisposable
    {
        private readonly Timer _timer;
        private readonly List<double> _samples = [];

        public Sampler()
        {
            _timer = new Timer(_ => Add(), null, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        }

        public double Mean
        {
            get
            {
                lock (_samples)
                {
                    return _samples.Count == 0 ? double.NaN : Math.Round(_samples.Average(), 2);
                }
            }
        }

        public double Max
        {
            get
            {
                lock (_samples)
                {
                    return _samples.Count == 0 ? double.NaN : _samples.Max();
                }
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Add()
        {
            var load = OneMinute();
            if (!double.IsNaN(load))
            {
                lock (_samples)
                {
                    _samples.Add(load);
                }
            }
        }
    }
}
