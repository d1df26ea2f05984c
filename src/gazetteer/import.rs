//! Bootstraps gazetteer sources from annotated data (`gaztag gazetteer import --conll`).
//! (Being written.)
