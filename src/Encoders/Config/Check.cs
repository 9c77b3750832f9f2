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
}
