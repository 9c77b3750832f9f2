namespace MultiModal.Encoders.Config;

/// <summary>Argument checks shared by the config records.</summary>
internal static class Check
{
    public static void Positive(int value, string field)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} must be positive.");
        }
    }

    /// <summary>The MLP hidden width, <c>(int)(width · ratio)</c>, must be a usable layer width: at least 1, at most int.MaxValue.</summary>
    public static void MlpWidth(int width, double ratio, string field)
    {
        var hidden = Math.Floor(width * ratio);
        if (hidden < 1 || hidden > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(field, ratio, $"width {width} × mlp_ratio {ratio} gives an MLP width of {hidden}; it must be between 1 and {int.MaxValue}.");
        }
    }
}
