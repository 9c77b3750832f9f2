namespace MultiModal.Encoders.IO;

/// <summary>One entry met by <see cref="FolderWalk"/>.</summary>
/// <param name="Path">The full path as reached (through links when links are followed).</param>
/// <param name="Kind">What it is; for a followed link, what the link points to.</param>
/// <param name="ViaLink">True when reached through a symbolic link (the entry itself or a linked folder above it).</param>
public sealed record FolderEntry(string Path, FileKind Kind, bool ViaLink);
