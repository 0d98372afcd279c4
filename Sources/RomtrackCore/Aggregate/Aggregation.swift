/// Stage 5 of the pipeline: practice, clinician and site figures per month and over the trailing
/// 12 months (METHODS.md section 9), computed from the classified series. The monthly-report issue
/// fills this stage; the namespace marks its place in the pipeline.
public enum Aggregation {}
