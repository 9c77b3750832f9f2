using System.Diagnostics;
using System.Globalization;
using MultiModal.Eval;

namespace MultiModal.Cli.Commands;

/// <summary>Evaluation progress on standard error: a line per stage every few seconds and when the stage ends.</summary>
internal sealed class EvalProgressWriter(TextWriter stderr) : IProgress<EvalProgress>
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly Stopwatch _sinceLine = Stopwatch.StartNew();
    private EvalStage? _stage;

    public void Report(EvalProgress value)
    {
        bool newStage = value.Stage != _stage;
        _stage = value.Stage;
        if ((value.Completed == value.Total && value.Total > 0) || (!newStage && _sinceLine.Elapsed >= Interval))
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval: {Name(value.Stage)} {value.Completed}/{value.Total}"));
            _sinceLine.Restart();
        }
        else if (newStage)
        {
            _sinceLine.Restart();
        }
    }

    private static string Name(EvalStage stage) => stage switch
    {
        EvalStage.ClassWeights => "class prompts",
        EvalStage.Texts => "captions",
        EvalStage.Images => "images",
        _ => "scoring",
    };
}
