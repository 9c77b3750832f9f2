namespace MultiModal.Encoders.IO;

/// <summary>What <see cref="FolderWalk.Files"/> found under a folder.</summary>
/// <param name="Files">Regular files the filter accepted, in ordinal path order.</param>
/// <param name="Skipped">Paths the filter accepted that cannot be read as files (FIFOs, devices, sockets, broken
/// links, unreadable folders), each with the reason.</param>
/// <param name="SkippedLinks">Symbolic links to folders not followed because the walk had already been inside that
/// folder (link loops and repeated links).</param>
public sealed record FolderWalkResult(IReadOnlyList<string> Files, IReadOnlyList<FolderWalkSkip> Skipped, int SkippedLinks);

/// <summary>A path a folder walk passed over, with the reason.</summary>
/// <param name="Path">The path.</param>
/// <param name="Reason">Why, for people ("is a FIFO (named pipe), not a regular file").</param>
public sealed record FolderWalkSkip(string Path, string Reason);
