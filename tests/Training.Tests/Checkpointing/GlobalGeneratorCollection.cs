namespace MultiModal.Training.Tests.Checkpointing;

/// <summary>
/// Tests that restore a checkpoint also restore the process-wide torch generator (as resuming must); they run alone, so
/// that other tests' seeded initialisations (bit-exact resume tests) never see it change under them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalGeneratorCollection
{
    public const string Name = "Global torch generator";
}
