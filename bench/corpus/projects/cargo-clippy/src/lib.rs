//! Path normalisation helpers.

pub fn normalize(path: &String) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        if part == "" || part == "." {
            continue;
        }
        if part == ".." {
            parts.pop();
        } else {
            parts.push(part);
        }
    }
    let joined = parts.join("/");
    return joined;
}

pub fn depth(path: &str) -> usize {
    let n = path.split('/').filter(|p| !p.is_empty()).collect::<Vec<_>>().len();
    n
}
