//! Why an XML stream or message cannot be relayed, and the RFC 6120
//! stream error each reason becomes.

use crate::gateway::stream_error::Condition;

/// Why the server's stream cannot be relayed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    /// Not well-formed XML.
    #[error("not well-formed XML: {0}")]
    NotWellFormed(rxml::Error),
    /// XML that XMPP forbids.
    #[error("restricted XML: {0}")]
    Restricted(rxml::Error),
    /// The root element is not `<stream:stream>`.
    #[error("the stream does not start with <stream:stream>")]
    NotAStream,
    /// An element over the size limit.
    #[error("an element is larger than {0} bytes")]
    TooBig(usize),
    /// Nesting over the depth limit.
    #[error("elements are nested deeper than {0}")]
    TooDeep(usize),
    /// An element with too many attributes.
    #[error("an element has more than {0} attributes")]
    TooManyAttributes(usize),
}

impl SplitError {
    /// The RFC 6120 condition for this error.
    pub fn condition(&self) -> Condition {
        match self {
            Self::NotWellFormed(_) => Condition::NotWellFormed,
            Self::Restricted(_) => Condition::RestrictedXml,
            Self::NotAStream => Condition::InvalidNamespace,
            Self::TooBig(_) | Self::TooDeep(_) | Self::TooManyAttributes(_) => Condition::PolicyViolation,
        }
    }

    pub(crate) fn from_rxml(e: rxml::Error) -> Self {
        match e {
            rxml::Error::RestrictedXml(_) | rxml::Error::UndeclaredEntity => Self::Restricted(e),
            // `<!DOCTYPE` is reported as a bad `<!` section.
            rxml::Error::InvalidSyntax(s) if s.contains("comment") => Self::Restricted(e),
            e => Self::NotWellFormed(e),
        }
    }
}
