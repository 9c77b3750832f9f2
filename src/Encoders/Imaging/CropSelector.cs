namespace MultiModal.Encoders.Imaging;

/// <summary>
/// Chooses the crop of an image once its size is known (after decoding): e.g. torchvision's
/// <c>RandomResizedCrop.get_params</c> under a seeded generator. Called once per image, on the decoding thread.
/// </summary>
/// <param name="imageWidth">Width of the decoded image in pixels.</param>
/// <param name="imageHeight">Height of the decoded image in pixels.</param>
/// <returns>A box that must lie inside the image (<see cref="CropBox.FitsInside"/>).</returns>
public delegate CropBox CropSelector(int imageWidth, int imageHeight);
