namespace MultiModal.Encoders.Imaging;

/// <summary>The PIL image mode a decoded file would have in Pillow 9.4: it decides the resize filter and alpha handling.</summary>
internal enum PilMode
{
    /// <summary>"L": one grey channel, resized with the chosen filter.</summary>
    L,

    /// <summary>"LA": grey + alpha, resized premultiplied ("La") then un-premultiplied.</summary>
    La,

    /// <summary>"RGB".</summary>
    Rgb,

    /// <summary>"RGBA": resized premultiplied ("RGBa") then un-premultiplied; convert("RGB") drops alpha.</summary>
    Rgba,

    /// <summary>"P": palette; Pillow resizes it with NEAREST whatever filter is asked. Stored here as RGB.</summary>
    Palette,

    /// <summary>"1": bilevel; NEAREST like "P". Stored here as one grey channel (0 or 255).</summary>
    Bilevel,

    /// <summary>
    /// "I": 32-bit integer grey, what PIL makes of a 16-bit grey PNG (the samples 0..65535 as they are). Resized in
    /// integers with double-precision weights; convert("RGB") clips to 0..255. Stored as one int32 per pixel.
    /// </summary>
    I,
}
