using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MultiModal.Encoders.IO;

/// <summary>
/// The <c>.multimodal</c> file inside every folder the library saves: kind, a unique save id, and the writing
/// process (pid and its start time, so a reused pid is not mistaken for the writer). It is what makes a folder
/// provably the library's own: only marked folders, and staging folders whose name carries their marker's id, are
/// ever replaced or removed.
/// </summary>
internal sealed record ArtefactMarker(string Kind, string Id, int Pid, long PidStart)
{
    public const string FileName = ".multimodal";
    private const string Format = "multimodal-artefact";

    public static ArtefactMarker ForThisProcess(string kind) =>
        new(kind, Guid.NewGuid().ToString("N"), Environment.ProcessId, ProcessStart(Environment.ProcessId) ?? 0);

    /// <summary>Reads the marker in <paramref name="folder"/>; null when absent or not ours.</summary>
    public static ArtefactMarker? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        try
        {
            if (FileStatus.Of(path, followLinks: false).Kind != FileKind.Regular)
            {
                return null;
            }
            var node = JsonNode.Parse(RegularFile.ReadAllBytes(path, maxBytes: 4096));
            if (node is not JsonObject o || (string?)o["format"] != Format)
            {
                return null;
            }
            return new ArtefactMarker((string?)o["kind"] ?? "", (string?)o["id"] ?? "", (int?)o["pid"] ?? 0, (long?)o["pid_start"] ?? 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException or InvalidDataException)
        {
            return null;
        }
    }

    public void WriteInto(string folder)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["kind"] = Kind,
            ["id"] = Id,
            ["pid"] = Pid,
            ["pid_start"] = PidStart,
            ["saved_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        using var stream = new FileStream(Path.Combine(folder, FileName), FileMode.CreateNew, FileAccess.Write);
        stream.Write(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString() + "\n"));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>True when the process that wrote this marker is still running (same pid, same start time).</summary>
    public bool WriterAlive()
    {
        if (Pid <= 0)
        {
            return false;
        }
        var start = ProcessStart(Pid);
        return start is not null && (PidStart == 0 || start == PidStart);
    }

    /// <summary>A process's start time: field 22 of <c>/proc/PID/stat</c> on Linux; elsewhere its start time in ticks.</summary>
    private static long? ProcessStart(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return long.Parse(fields[19], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                return null;
            }
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }
}
