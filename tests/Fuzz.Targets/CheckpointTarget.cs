using MultiModal.Encoders;
using MultiModal.Encoders.Checkpoints;
using TorchSharp;

namespace MultiModal.Fuzz;

/// <summary>
/// A model folder (config JSON + safetensors weights, in the own, OpenCLIP or Hugging Face layout) materialised from a
/// <see cref="FuzzArchive"/> and loaded with <see cref="ClipModel.Load"/>; the tokenizer comes from
/// <see cref="TinyVocabulary"/> through <c>TokenizerPath</c>.
/// </summary>
/// <remarks>
/// <para>Flags: 0x01 encodes two texts after loading; 0x02 encodes one blank image tensor (towers up to 512 px);
/// 0x04 loads in bfloat16.</para>
/// <para>Documented: what <see cref="ClipModel.Load"/> lists (<see cref="CheckpointFormatException"/>,
/// <see cref="CheckpointMismatchException"/>, <see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/>)
/// plus what the config readers it calls document: <see cref="FormatException"/>, <see cref="NotSupportedException"/>
/// and the configs' <c>Validate</c> <see cref="ArgumentOutOfRangeException"/> naming a field (thrown in
/// MultiModal.Encoders.Config). The network is built from the config, so the memory cap is 2 GiB: a ViT-B/32-sized
/// config (the defaults of an empty config.json) fits; a config that makes a tiny folder allocate more is a finding.</para>
/// </remarks>
public sealed class CheckpointTarget : FuzzTarget
{
    private readonly string directory;
    private readonly string tokenizer;

    /// <summary>Creates the target; writes the tiny vocabulary into <paramref name="scratch"/>.</summary>
    public CheckpointTarget(string scratch)
    {
        directory = Path.Combine(scratch, "model");
        tokenizer = Path.Combine(scratch, "tokenizer");
        TinyVocabulary.Write(tokenizer);
        torch.set_num_threads(1);
    }

    /// <inheritdoc/>
    public override string Name => "checkpoint";

    /// <inheritdoc/>
    public override bool TakesArchive => true;

    /// <inheritdoc/>
    protected override void Execute(byte[] input)
    {
        var archive = FuzzArchive.Decode(input);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Directory.CreateDirectory(directory);
        archive.WriteTo(directory);

        var options = new ClipLoadOptions
        {
            TokenizerPath = tokenizer,
            DType = (archive.Flags & 0x04) != 0 ? torch.ScalarType.BFloat16 : torch.ScalarType.Float32,
        };
        using var model = ClipModel.Load(directory, options);
        if ((archive.Flags & 0x01) != 0)
        {
            model.EncodeTexts(["a b", ""]);
        }
        int size = model.Config.Vision.ImageSize;
        if ((archive.Flags & 0x02) != 0 && size <= 512)
        {
            using var scope = torch.NewDisposeScope();
            model.EncodeImages(torch.zeros(1, 3, size, size));
        }
    }

    /// <inheritdoc/>
    protected override Verdict Judge(Exception e) => e switch
    {
        CheckpointFormatException or CheckpointMismatchException or FileNotFoundException or DirectoryNotFoundException => Verdict.Rejected(e),
        FormatException or NotSupportedException => Verdict.Rejected(e),
        ArgumentOutOfRangeException when Verdict.Frame(e).StartsWith("MultiModal.Encoders.Config.", StringComparison.Ordinal) => Verdict.Rejected(e),
        _ => Verdict.Finding(e),
    };
}
