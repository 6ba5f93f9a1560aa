//! The vision-doc model: plain data shared by every stage.

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Character,
    StatusQuo,
    ShinyFuture,
    DesignDoc,
    Roadmap,
    Conversation,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Character,
        Kind::StatusQuo,
        Kind::ShinyFuture,
        Kind::DesignDoc,
        Kind::Roadmap,
        Kind::Conversation,
    ];

    /// The name used in directives and config.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Character => "character",
            Kind::StatusQuo => "status-quo",
            Kind::ShinyFuture => "shiny-future",
            Kind::DesignDoc => "design-doc",
            Kind::Roadmap => "roadmap",
            Kind::Conversation => "conversation",
        }
    }

    /// How the kind reads in a sentence.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Character => "character",
            Kind::StatusQuo => "status quo story",
            Kind::ShinyFuture => "shiny future story",
            Kind::DesignDoc => "design doc",
            Kind::Roadmap => "roadmap item",
            Kind::Conversation => "conversation",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}
