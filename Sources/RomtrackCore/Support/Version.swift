/// romtrack's version, written into manifest.json and shown by `romtrack --version`.
public enum RomtrackVersion {
  public static let current = "0.1.0"
}
