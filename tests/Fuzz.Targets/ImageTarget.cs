using MultiModal.Encoders.Imaging;

namespace MultiModal.Fuzz;

/// <summary>
/// Image bytes through <see cref="ImagePreprocessor"/>'s stream API: <c>jpeg</c> and <c>png</c> allow one format (the
/// managed libjpeg-exact decoder, or ImageSharp behind the PNG container probe), <c>image</c> allows all six and also
/// runs the training geometry (crop + resize + flip).
/// </summary>
/// <remarks>
/// Documented: <see cref="ImageDecodeException"/> (and its <see cref="ImageTooLargeException"/>). ImageReader wraps
/// whatever a decoder throws in an <see cref="ImageDecodeException"/>, so a wrapped runtime error (bounds, null,
/// arithmetic...) thrown by MultiModal code is a finding too ("masked ..."); one thrown inside ImageSharp is ImageSharp's
/// bug, outside this repository, and counts as a refusal. Options keep executions fast: a 32-px output and a
/// 4-megapixel limit (a real caller's setting), so anything near <see cref="MemoryCapMiB"/> is an amplification.
/// </remarks>
public sealed class ImageTarget : FuzzTarget
{
    /// <summary>Which formats the preprocessor allows.</summary>
    public enum Mode
    {
        /// <summary>JPEG only.</summary>
        Jpeg,

        /// <summary>PNG only.</summary>
        Png,

        /// <summary>Every format, both geometries.</summary>
        Any,
    }

    private const long MaxPixels = 4L << 20;

    /// <summary>MULTIMODAL_FUZZ_STRICT=1 also reports bounds failures that the JPEG decoder converts to InvalidDataException.</summary>
    private static readonly bool Strict = Environment.GetEnvironmentVariable("MULTIMODAL_FUZZ_STRICT") == "1";

    private readonly Mode mode;
    private readonly ImagePreprocessor[] preprocessors;
    private readonly float[] destination;

    /// <summary>Creates the target for <paramref name="mode"/>.</summary>
    public ImageTarget(Mode mode)
    {
        this.mode = mode;
        var formats = mode switch
        {
            Mode.Jpeg => ImageFormatKinds.Jpeg,
            Mode.Png => ImageFormatKinds.Png,
            _ => ImageFormatKinds.All,
        };
        var baseOptions = new ImagePreprocessOptions { ImageSize = 32, MaxPixels = MaxPixels, AllowedFormats = formats };
        // The input's length picks one of these, so every seed meets more than one resampling path.
        preprocessors =
        [
            ImagePreprocessor.Create(baseOptions),
            ImagePreprocessor.Create(baseOptions with { ImageSize = 17, Interpolation = ImageInterpolation.Bilinear, ResizeMode = ImageResizeMode.Longest }),
            ImagePreprocessor.Create(baseOptions with { ImageSize = 24, ResizeMode = ImageResizeMode.Squash }),
        ];
        destination = new float[3 * 32 * 32];
    }

    /// <inheritdoc/>
    public override string Name => mode switch
    {
        Mode.Jpeg => "jpeg",
        Mode.Png => "png",
        _ => "image",
    };

    /// <inheritdoc/>
    protected override void Execute(byte[] input)
    {
        var preprocessor = preprocessors[input.Length % preprocessors.Length];
        using (var stream = new MemoryStream(input, writable: false))
        {
            preprocessor.Preprocess(stream, "input", destination);
        }
        if (mode != Mode.Any)
        {
            return;
        }
        // Training geometry: a box inside the decoded image (always valid, so ArgumentOutOfRangeException is a finding).
        using (var stream = new MemoryStream(input, writable: false))
        {
            preprocessor.PreprocessResizedCrop(stream, "input", CentreHalf, flipHorizontal: (input.Length & 1) == 1, destination);
        }
    }

    /// <inheritdoc/>
    protected override Verdict Judge(Exception e)
    {
        if (e is not ImageDecodeException)
        {
            return Verdict.Finding(e);
        }
        // ImageReader's catch-all: a runtime error from our own decoder or probe hides behind the documented type.
        if (e.InnerException is { } inner && IsBugType(inner) && Verdict.ThrownByMultiModal(inner))
        {
            return Verdict.Finding(e, "masked ");
        }
        if (e.InnerException is OutOfMemoryException)
        {
            return Verdict.Finding(e, "masked ");
        }
        // Strict mode: the JPEG decoder turns its own bounds failures into InvalidDataException by design (libjpeg calls
        // such data corrupt); each such place is a length or index the decoder did not validate before using it.
        if (Strict && e.InnerException is InvalidDataException { InnerException: IndexOutOfRangeException or ArgumentOutOfRangeException } net)
        {
            return Verdict.Finding(net, "bounds-net ");
        }
        return Verdict.Rejected(e);
    }

    private static CropBox CentreHalf(int width, int height)
    {
        int w = Math.Max(1, width / 2), h = Math.Max(1, height / 2);
        return new CropBox((width - w) / 2, (height - h) / 2, w, h);
    }
}
