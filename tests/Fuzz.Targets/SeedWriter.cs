using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using MultiModal.Encoders;
using MultiModal.Encoders.Checkpoints;
using MultiModal.Encoders.Config;
using MultiModal.Encoders.Imaging;
using MultiModal.Encoders.IO;
using MultiModal.Encoders.Models;
using MultiModal.Encoders.Tokenization;
using MultiModal.Index;
using MultiModal.Index.Flat;
using MultiModal.Index.Hnsw;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Tiff.Constants;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace MultiModal.Fuzz;

/// <summary>
/// Writes the generated part of the seed corpus (tests/fuzz/make-seeds.sh adds the JPEG variants that need
/// libjpeg-turbo's cjpeg/jpegtran, and copies fixtures): small images of every format and PNG colour type,
/// safetensors and .npy files of every dtype and edge shape, saved flat and HNSW indexes, and CLIP model folders of
/// the three layouts built from a tiny config. Every file is a few KB; index and checkpoint seeds are archives
/// (<see cref="FuzzArchive"/>). Outputs are deterministic except the HNSW graphs' internal layout.
/// </summary>
public static class SeedWriter
{
    /// <summary>Writes every generated seed under <paramref name="repoRoot"/>/tests/fuzz/corpus.</summary>
    public static void WriteAll(string repoRoot)
    {
        var corpus = Path.Combine(repoRoot, "tests", "fuzz", "corpus");
        Images(corpus);
        SafeTensors(corpus);
        Npy(corpus);
        Indexes(corpus);
        Checkpoints(corpus);
    }

    private static Image<Rgba32> Picture(int width, int height, bool alpha)
    {
        var image = new Image<Rgba32>(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                byte a = alpha ? (byte)(255 * (x + y) / Math.Max(1, width + height - 2)) : (byte)255;
                image[x, y] = new Rgba32((byte)(x * 255 / Math.Max(1, width - 1)), (byte)(y * 255 / Math.Max(1, height - 1)), (byte)((x ^ y) * 37), a);
            }
        }
        return image;
    }

    private static void Images(string corpus)
    {
        var png = Dir(corpus, "png");
        var any = Dir(corpus, "image");
        var jpeg = Dir(corpus, "jpeg");
        using var rgb = Picture(13, 7, alpha: false);
        using var rgba = Picture(9, 6, alpha: true);
        // PNG: every colour type and bit depth ImageSharp writes, plain and Adam7.
        var pngs = new (string Name, PngColorType Type, PngBitDepth Depth, bool Alpha)[]
        {
            ("grey1", PngColorType.Grayscale, PngBitDepth.Bit1, false), ("grey2", PngColorType.Grayscale, PngBitDepth.Bit2, false),
            ("grey4", PngColorType.Grayscale, PngBitDepth.Bit4, false), ("grey8", PngColorType.Grayscale, PngBitDepth.Bit8, false),
            ("grey16", PngColorType.Grayscale, PngBitDepth.Bit16, false), ("rgb8", PngColorType.Rgb, PngBitDepth.Bit8, false),
            ("rgb16", PngColorType.Rgb, PngBitDepth.Bit16, false), ("palette1", PngColorType.Palette, PngBitDepth.Bit1, false),
            ("palette4", PngColorType.Palette, PngBitDepth.Bit4, false), ("palette8", PngColorType.Palette, PngBitDepth.Bit8, true),
            ("greyalpha8", PngColorType.GrayscaleWithAlpha, PngBitDepth.Bit8, true), ("greyalpha16", PngColorType.GrayscaleWithAlpha, PngBitDepth.Bit16, true),
            ("rgba8", PngColorType.RgbWithAlpha, PngBitDepth.Bit8, true), ("rgba16", PngColorType.RgbWithAlpha, PngBitDepth.Bit16, true),
        };
        foreach (var (name, type, depth, alpha) in pngs)
        {
            foreach (var interlace in new[] { PngInterlaceMode.None, PngInterlaceMode.Adam7 })
            {
                var encoder = new PngEncoder { ColorType = type, BitDepth = depth, InterlaceMethod = interlace, TransparentColorMode = PngTransparentColorMode.Preserve };
                var suffix = interlace == PngInterlaceMode.Adam7 ? "-adam7" : "";
                (alpha ? rgba : rgb).Save(Path.Combine(png, $"{name}{suffix}.png"), encoder);
            }
        }
        rgba.Save(Path.Combine(any, "rgba.png"), new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        rgb.Save(Path.Combine(any, "palette.gif"), new GifEncoder());
        rgb.Save(Path.Combine(any, "rgb24.bmp"), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 });
        rgb.Save(Path.Combine(any, "palette8.bmp"), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel8 });
        rgb.Save(Path.Combine(any, "mono.bmp"), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel1 });
        rgba.Save(Path.Combine(any, "rgba32.bmp"), new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel32, SupportTransparency = true });
        rgb.Save(Path.Combine(any, "rgb.tiff"), new TiffEncoder { Compression = TiffCompression.None });
        rgb.Save(Path.Combine(any, "deflate.tiff"), new TiffEncoder { Compression = TiffCompression.Deflate, PhotometricInterpretation = TiffPhotometricInterpretation.Rgb });
        rgb.Save(Path.Combine(any, "grey.tiff"), new TiffEncoder { BitsPerPixel = TiffBitsPerPixel.Bit8 });
        rgb.Save(Path.Combine(any, "lossy.webp"), new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 50 });
        rgba.Save(Path.Combine(any, "lossless.webp"), new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
        // Baseline JPEGs ImageSharp can write (make-seeds.sh adds progressive, restart, arithmetic and odd sampling).
        rgb.Save(Path.Combine(jpeg, "imagesharp-420.jpg"), new JpegEncoder { Quality = 75, ColorType = JpegColorType.YCbCrRatio420 });
        rgb.Save(Path.Combine(jpeg, "imagesharp-444.jpg"), new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio444 });
        rgb.Save(Path.Combine(jpeg, "imagesharp-grey.jpg"), new JpegEncoder { Quality = 50, ColorType = JpegColorType.Luminance });
        rgb.Save(Path.Combine(any, "imagesharp-420.jpg"), new JpegEncoder { Quality = 75, ColorType = JpegColorType.YCbCrRatio420 });
    }

    private static void SafeTensors(string corpus)
    {
        var dir = Dir(corpus, "safetensors");
        using var scope = torch.NewDisposeScope();
        var kinds = new (string Name, torch.ScalarType Type)[]
        {
            ("f64", torch.ScalarType.Float64), ("f32", torch.ScalarType.Float32), ("f16", torch.ScalarType.Float16),
            ("bf16", torch.ScalarType.BFloat16), ("i64", torch.ScalarType.Int64), ("i32", torch.ScalarType.Int32),
            ("i16", torch.ScalarType.Int16), ("i8", torch.ScalarType.Int8), ("u8", torch.ScalarType.Byte), ("bool", torch.ScalarType.Bool),
        };
        foreach (var (name, type) in kinds)
        {
            var t = torch.arange(6, torch.ScalarType.Float32).remainder(2).reshape(2, 3).to_type(type);
            SafeTensorsWriter.Save(Path.Combine(dir, $"{name}-2x3.safetensors"), [new("t", t)]);
        }
        SafeTensorsWriter.Save(Path.Combine(dir, "mixed-metadata.safetensors"),
            [new("scalar", torch.tensor(1.5f)), new("empty", torch.zeros(0, 4)), new("row", torch.ones(1, 5, torch.ScalarType.Int64)), new("b.c.d", torch.zeros(2, 1, 2, torch.ScalarType.Float16))],
            new Dictionary<string, string> { ["format"] = "pt", ["note"] = "fuzz seed" });
        File.WriteAllBytes(Path.Combine(dir, "empty-header.safetensors"), SafeTensorsBytes("{}", []));
        File.WriteAllBytes(Path.Combine(dir, "padded-header.safetensors"), SafeTensorsBytes("{\"__metadata__\":null,\"x\":{\"dtype\":\"U8\",\"shape\":[3],\"data_offsets\":[0,3]}}   ", [1, 2, 3]));
    }

    private static byte[] SafeTensorsBytes(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static void Npy(string corpus)
    {
        var dir = Dir(corpus, "npy");
        NpyFile.Write(Path.Combine(dir, "f32-3x2.npy"), [1f, 2f, 3f, 4f, 5f, 6f], [3, 2]);
        NpyFile.Write(Path.Combine(dir, "f32-5.npy"), [0.5f, -1f, float.NaN, float.PositiveInfinity, 0f], [5]);
        NpyFile.Write(Path.Combine(dir, "i64-2x2x1.npy"), [1L, -2L, long.MaxValue, long.MinValue], [2, 2, 1]);
        NpyFile.Write(Path.Combine(dir, "f32-empty.npy"), ReadOnlySpan<float>.Empty, [0, 4]);
        NpyFile.Write(Path.Combine(dir, "f32-scalar.npy"), [7f], []);
        // Format 2.0 and 3.0 headers (u32 length), which numpy writes for long headers and non-latin-1 names.
        File.WriteAllBytes(Path.Combine(dir, "v2-i64.npy"), NpyBytes(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", new byte[16]));
        File.WriteAllBytes(Path.Combine(dir, "v3-f32.npy"), NpyBytes(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", new byte[4]));
        File.WriteAllBytes(Path.Combine(dir, "bigendian.npy"), NpyBytes(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]));
    }

    private static byte[] NpyBytes(int major, string dict, byte[] data)
    {
        int prefix = major == 1 ? 10 : 12;
        int padding = (64 - (prefix + dict.Length + 1) % 64) % 64;
        var header = Encoding.ASCII.GetBytes(dict + new string(' ', padding) + "\n");
        using var output = new MemoryStream();
        output.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        Span<byte> length = stackalloc byte[4];
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
            output.Write(length[..2]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
            output.Write(length);
        }
        output.Write(header);
        output.Write(data);
        return output.ToArray();
    }

    private static void Indexes(string corpus)
    {
        var dir = Dir(corpus, "index");
        var work = Path.Combine(Path.GetTempPath(), $"multimodal-fuzz-seeds-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            float[] vectors = [1, 0, 0, 0, 0, 1, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f, -1, 2, 0, 1, 0.25f, 0, 3, 1, 1, 1, -1, 0];
            long[] keys = [10, 11, 12, 13, 14, 15];
            void Save(IVectorIndex index, string name, params byte[] flags)
            {
                var path = Path.Combine(work, name);
                switch (index)
                {
                    case FlatIndex flat: flat.Save(path); break;
                    case HnswIndex hnsw: hnsw.Save(path); break;
                }
                foreach (var f in flags)
                {
                    File.WriteAllBytes(Path.Combine(dir, $"{name}-flags{f:X2}.bin"), FuzzArchive.FromDirectory(path, f).Encode());
                }
                index.Dispose();
            }

            var cosine = FlatIndex.Create(4, Metric.Cosine);
            cosine.Add(vectors, keys);
            cosine.SetMetadata(10, "ten");
            cosine.SetMetadata(13, "thirteen \"quoted\"");
            Save(cosine, "flat-cosine-f32", 0x00, 0x01, 0x07);

            var l2 = FlatIndex.Create(4, Metric.L2, new FlatIndexOptions { Storage = FlatStorage.Float16 });
            l2.Add(vectors.AsSpan(0, 12), keys.AsSpan(0, 3));
            Save(l2, "flat-l2-f16", 0x01, 0x03);

            Save(FlatIndex.Create(3, Metric.InnerProduct), "flat-ip-empty", 0x05);

            var hnsw = HnswIndex.Create(4, Metric.Cosine, new HnswOptions { M = 4, EfConstruction = 8, EfSearch = 8 });
            hnsw.Add(vectors, keys);
            Save(hnsw, "hnsw-cosine", 0x00, 0x01, 0x05, 0x0D);

            var hnswL2 = HnswIndex.Create(2, Metric.L2, new HnswOptions { M = 2, EfConstruction = 4, EfSearch = 2 });
            hnswL2.Add([0, 0, 1, 1, 2, 0], [1, 2, 3]);
            Save(hnswL2, "hnsw-l2", 0x01, 0x04);

            Save(HnswIndex.Create(3, Metric.InnerProduct), "hnsw-ip-empty", 0x01);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The tiny architecture of the checkpoint seeds: every dimension a few units, vocabulary = <see cref="TinyVocabulary"/>.</summary>
    public static ClipConfig TinyConfig { get; } = new()
    {
        EmbedDim = 4,
        Activation = Activation.QuickGelu,
        Vision = new VisionTowerConfig { ImageSize = 8, PatchSize = 4, Width = 8, HeadWidth = 4, Layers = 1, MlpRatio = 2 },
        Text = new TextTowerConfig { ContextLength = 6, VocabSize = TinyVocabulary.Size, Width = 8, Heads = 2, Layers = 1, MlpRatio = 2 },
    };

    private static void Checkpoints(string corpus)
    {
        var dir = Dir(corpus, "checkpoint");
        var work = Path.Combine(Path.GetTempPath(), $"multimodal-fuzz-seeds-{Environment.ProcessId}");
        var vocab = Path.Combine(work, "tokenizer");
        TinyVocabulary.Write(vocab);
        try
        {
            var config = TinyConfig;
            var preprocess = new ImagePreprocessOptions { ImageSize = config.Vision.ImageSize, Mean = new RgbValues(0.5f, 0.5f, 0.5f), Std = new RgbValues(0.5f, 0.5f, 0.5f) };
            torch.manual_seed(7);
            var tokenizer = ClipTokenizer.FromModelDirectory(vocab, new ClipTokenizerOptions { ContextLength = config.Text.ContextLength });
            using var model = ClipModel.Create(new ClipNetwork(config), tokenizer, preprocess);
            using var scope = torch.NewDisposeScope();
            var state = model.Network.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().to_type(torch.ScalarType.Float16), StringComparer.Ordinal);

            // Own layout, as ClipModel.Save writes it (without the tokenizer files: the target supplies them).
            var own = Path.Combine(work, "own");
            model.Save(own);
            Pack(own, dir, "own", n => n is not ("vocab.json" or "merges.txt"), 0x00, 0x03);

            // OpenCLIP hub layout: the text tower at the top level, model_cfg + preprocess_cfg.
            var openClip = Directory.CreateDirectory(Path.Combine(work, "openclip")).FullName;
            SafeTensorsWriter.Save(Path.Combine(openClip, "open_clip_model.safetensors"),
                state.Select(p => new KeyValuePair<string, torch.Tensor>(p.Key.StartsWith("text.", StringComparison.Ordinal) ? p.Key["text.".Length..] : p.Key, p.Value)).ToList());
            var cfg = new JsonObject
            {
                ["model_cfg"] = OpenClipConfigJson.ToJson(config),
                ["preprocess_cfg"] = new JsonObject { ["mean"] = new JsonArray(0.5, 0.5, 0.5), ["std"] = new JsonArray(0.5, 0.5, 0.5), ["interpolation"] = "bilinear", ["resize_mode"] = "squash" },
            };
            File.WriteAllText(Path.Combine(openClip, "open_clip_config.json"), cfg.ToJsonString());
            Pack(openClip, dir, "openclip", null, 0x01, 0x06);

            // Hugging Face CLIPModel layout: renamed keys, q/k/v split, projections transposed.
            var hf = Directory.CreateDirectory(Path.Combine(work, "hf")).FullName;
            SafeTensorsWriter.Save(Path.Combine(hf, "model.safetensors"), HuggingFaceState(state, config));
            File.WriteAllText(Path.Combine(hf, "config.json"), HuggingFaceConfig(config).ToJsonString());
            File.WriteAllText(Path.Combine(hf, "preprocessor_config.json"), new JsonObject
            {
                ["crop_size"] = new JsonObject { ["height"] = config.Vision.ImageSize, ["width"] = config.Vision.ImageSize },
                ["size"] = new JsonObject { ["shortest_edge"] = config.Vision.ImageSize },
                ["image_mean"] = new JsonArray(0.48145466, 0.4578275, 0.40821073),
                ["image_std"] = new JsonArray(0.26862954, 0.26130258, 0.27577711),
                ["resample"] = 3,
                ["do_center_crop"] = true,
            }.ToJsonString());
            Pack(hf, dir, "hf", null, 0x00, 0x01);
            Pack(hf, dir, "hf-no-preprocessor", n => n != "preprocessor_config.json", 0x02);

            // Every seed must load: a seed the library refuses explores nothing.
            foreach (var seed in Directory.GetFiles(dir))
            {
                var verdict = new CheckpointTarget(work).Run(File.ReadAllBytes(seed));
                if (verdict.Kind != VerdictKind.Accepted)
                {
                    throw new InvalidOperationException($"Seed {seed} does not load: {verdict.Signature}: {verdict.Message}");
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static List<KeyValuePair<string, torch.Tensor>> HuggingFaceState(Dictionary<string, torch.Tensor> state, ClipConfig config)
    {
        var result = new List<KeyValuePair<string, torch.Tensor>>();
        void Add(string key, torch.Tensor t) => result.Add(new(key, t.contiguous()));
        void Block(string ours, string hf)
        {
            Add(hf + "layer_norm1.weight", state[ours + "ln_1.weight"]);
            Add(hf + "layer_norm1.bias", state[ours + "ln_1.bias"]);
            var w = state[ours + "attn.in_proj_weight"].chunk(3, 0);
            var b = state[ours + "attn.in_proj_bias"].chunk(3, 0);
            string[] names = ["q_proj", "k_proj", "v_proj"];
            for (int i = 0; i < 3; i++)
            {
                Add($"{hf}self_attn.{names[i]}.weight", w[i]);
                Add($"{hf}self_attn.{names[i]}.bias", b[i]);
            }
            Add(hf + "self_attn.out_proj.weight", state[ours + "attn.out_proj.weight"]);
            Add(hf + "self_attn.out_proj.bias", state[ours + "attn.out_proj.bias"]);
            Add(hf + "layer_norm2.weight", state[ours + "ln_2.weight"]);
            Add(hf + "layer_norm2.bias", state[ours + "ln_2.bias"]);
            Add(hf + "mlp.fc1.weight", state[ours + "mlp.c_fc.weight"]);
            Add(hf + "mlp.fc1.bias", state[ours + "mlp.c_fc.bias"]);
            Add(hf + "mlp.fc2.weight", state[ours + "mlp.c_proj.weight"]);
            Add(hf + "mlp.fc2.bias", state[ours + "mlp.c_proj.bias"]);
        }
        Add("vision_model.embeddings.patch_embedding.weight", state["visual.conv1.weight"]);
        Add("vision_model.embeddings.class_embedding", state["visual.class_embedding"]);
        Add("vision_model.embeddings.position_embedding.weight", state["visual.positional_embedding"]);
        Add("vision_model.pre_layrnorm.weight", state["visual.ln_pre.weight"]);
        Add("vision_model.pre_layrnorm.bias", state["visual.ln_pre.bias"]);
        for (int i = 0; i < config.Vision.Layers; i++)
        {
            Block($"visual.transformer.resblocks.{i}.", $"vision_model.encoder.layers.{i}.");
        }
        Add("vision_model.post_layernorm.weight", state["visual.ln_post.weight"]);
        Add("vision_model.post_layernorm.bias", state["visual.ln_post.bias"]);
        Add("visual_projection.weight", state["visual.proj"].t());
        Add("text_model.embeddings.token_embedding.weight", state["text.token_embedding.weight"]);
        Add("text_model.embeddings.position_embedding.weight", state["text.positional_embedding"]);
        for (int i = 0; i < config.Text.Layers; i++)
        {
            Block($"text.transformer.resblocks.{i}.", $"text_model.encoder.layers.{i}.");
        }
        Add("text_model.final_layer_norm.weight", state["text.ln_final.weight"]);
        Add("text_model.final_layer_norm.bias", state["text.ln_final.bias"]);
        Add("text_projection.weight", state["text.text_projection"].t());
        Add("logit_scale", state["logit_scale"]);
        return result;
    }

    private static JsonObject HuggingFaceConfig(ClipConfig c) => new()
    {
        ["architectures"] = new JsonArray("CLIPModel"),
        ["model_type"] = "clip",
        ["projection_dim"] = c.EmbedDim,
        ["text_config"] = new JsonObject
        {
            ["hidden_act"] = "quick_gelu",
            ["hidden_size"] = c.Text.Width,
            ["intermediate_size"] = c.Text.MlpWidth,
            ["layer_norm_eps"] = 1e-5,
            ["max_position_embeddings"] = c.Text.ContextLength,
            ["num_attention_heads"] = c.Text.Heads,
            ["num_hidden_layers"] = c.Text.Layers,
            ["vocab_size"] = c.Text.VocabSize,
        },
        ["vision_config"] = new JsonObject
        {
            ["hidden_act"] = "quick_gelu",
            ["hidden_size"] = c.Vision.Width,
            ["image_size"] = c.Vision.ImageSize,
            ["intermediate_size"] = c.Vision.MlpWidth,
            ["layer_norm_eps"] = 1e-5,
            ["num_attention_heads"] = c.Vision.Heads,
            ["num_channels"] = 3,
            ["num_hidden_layers"] = c.Vision.Layers,
            ["patch_size"] = c.Vision.PatchSize,
        },
    };

    private static void Pack(string folder, string dir, string name, Func<string, bool>? include, params byte[] flags)
    {
        foreach (var f in flags)
        {
            File.WriteAllBytes(Path.Combine(dir, $"{name}-flags{f:X2}.bin"), FuzzArchive.FromDirectory(folder, f, include).Encode());
        }
    }

    private static string Dir(string corpus, string target) => Directory.CreateDirectory(Path.Combine(corpus, target)).FullName;
}
