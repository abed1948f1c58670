use uuid::Uuid;

use super::*;
use crate::ids::UserId;
use crate::role::Role;

fn actor(roles: &[Role]) -> Actor {
    Actor {
        id: UserId(Uuid::now_v7()),
        roles: roles.iter().copied().collect(),
    }
}

fn challenge(owner: &Actor, state: ChallengeState) -> Challenge {
    Challenge {
        owner_id: owner.id,
        state,
        title: "Full bins".into(),
        summary: "Residents report full bins".into(),
        description: "Bins overflow.".into(),
    }
}

fn idea(innovator: &Actor, members: &[&Actor], state: IdeaState) -> Idea {
    Idea {
        innovator_id: innovator.id,
        challenge_owner_id: UserId(Uuid::now_v7()),
        members: members.iter().map(|m| m.id).collect(),
        state,
        ever_submitted: state != IdeaState::Draft,
        title: "QR codes".into(),
        summary: "A code per bin".into(),
        description: "Scan to report.".into(),
        held_from: None,
    }
}

#[test]
fn first_bytes_name_pdf_and_images() {
    assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3"), Sniffed::Kind(FileKind::Pdf));
    assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Sniffed::Kind(FileKind::Png));
    assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Sniffed::Kind(FileKind::Jpeg));
    assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Sniffed::Kind(FileKind::Webp));
    assert_eq!(sniff(b"PK\x03\x04\x14\0\0\0"), Sniffed::Zip);
    assert_eq!(sniff(b"Hello"), Sniffed::MaybeText);
    assert_eq!(sniff(b""), Sniffed::Refused);
    // A RIFF that is not WebP (a WAV file) is no image.
    assert_eq!(sniff(b"RIFF\x24\0\0\0WAVEfmt "), Sniffed::MaybeText);
    assert_eq!(text_kind(b"RIFF\x24\0\0\0WAVEfmt ", true), None);
}

#[test]
fn executables_and_markup_are_not_text() {
    assert_eq!(text_kind(b"MZ\x90\0\x03\0\0\0", true), None);
    assert_eq!(text_kind(b"\x7fELF\x02\x01\x01", true), None);
    assert_eq!(text_kind(b"<!DOCTYPE html><html><script>alert(1)</script>", true), None);
    assert_eq!(
        text_kind(b"  \n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", true),
        None
    );
    assert_eq!(text_kind(b"<?xml version=\"1.0\"?><x/>", true), None);
    assert_eq!(text_kind(b"\xff\xfe not utf-8", true), None);
    assert_eq!(text_kind(b"   \n  ", true), None);
}

#[test]
fn text_and_csv_are_told_apart_by_their_lines() {
    assert_eq!(
        text_kind("Mätningar vecka 12\nTömning skedde i tid.\n".as_bytes(), true),
        Some(FileKind::Text)
    );
    assert_eq!(
        text_kind(b"station;full;emptied\nA;3;2\nB;1;1\n", true),
        Some(FileKind::Csv)
    );
    assert_eq!(text_kind(b"a,b\n1,2\n3,4", true), Some(FileKind::Csv));
    assert_eq!(text_kind(b"a,b\n1,2,3\n", true), Some(FileKind::Text));
    assert_eq!(text_kind("\u{feff}ett, två\n".as_bytes(), true), Some(FileKind::Text));
}

#[test]
fn a_character_cut_by_the_sample_is_still_text() {
    let text = "å".repeat(10);
    let cut = &text.as_bytes()[..7];
    assert_eq!(text_kind(cut, false), Some(FileKind::Text));
    assert_eq!(text_kind(cut, true), None, "a whole file must be valid UTF-8");
}

#[test]
fn the_manifest_names_open_document_kinds() {
    assert_eq!(odf_kind("application/vnd.oasis.opendocument.text"), Some(FileKind::Odt));
    assert_eq!(
        odf_kind("application/vnd.oasis.opendocument.spreadsheet"),
        Some(FileKind::Ods)
    );
    assert_eq!(
        odf_kind("application/vnd.oasis.opendocument.presentation"),
        Some(FileKind::Odp)
    );
    assert_eq!(odf_kind("application/vnd.oasis.opendocument.graphics"), None);
    assert_eq!(odf_kind("application/epub+zip"), None);
}

#[test]
fn the_content_types_name_office_kinds_and_refuse_macros() {
    let manifest = |main: &str| {
        format!(
            "<Types><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/main.xml\" ContentType=\"{main}\"/></Types>"
        )
    };
    let docx = manifest("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml");
    let xlsx = manifest("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
    let pptx = manifest("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml");
    let docm = manifest("application/vnd.ms-word.document.macroEnabled.main+xml");
    let xlsm = manifest("application/vnd.ms-excel.sheet.macroEnabled.main+xml");
    assert_eq!(ooxml_kind(&docx), Some(FileKind::Docx));
    assert_eq!(ooxml_kind(&xlsx), Some(FileKind::Xlsx));
    assert_eq!(ooxml_kind(&pptx), Some(FileKind::Pptx));
    assert_eq!(ooxml_kind(&docm), None);
    assert_eq!(ooxml_kind(&xlsm), None);
    assert_eq!(ooxml_kind("<Types/>"), None);
}

#[test]
fn every_kind_has_a_content_type_read_back() {
    for kind in FileKind::ALL {
        assert_eq!(FileKind::from_content_type(kind.content_type()), Some(kind));
    }
    assert_eq!(FileKind::from_content_type("text/html"), None);
}

#[test]
fn file_names_lose_paths_quotes_and_wrong_extensions() {
    assert_eq!(safe_filename("../../etc/passwd", FileKind::Text), "passwd.txt");
    assert_eq!(
        safe_filename("C:\\Users\\Ann\\Budget 2027.xlsx", FileKind::Xlsx),
        "Budget 2027.xlsx"
    );
    assert_eq!(safe_filename("plan \"ritning\".PDF", FileKind::Pdf), "plan ritning.pdf");
    assert_eq!(safe_filename("report.pdf", FileKind::Png), "report.png");
    assert_eq!(safe_filename("archive.tar", FileKind::Pdf), "archive.tar.pdf");
    assert_eq!(safe_filename("", FileKind::Pdf), "file.pdf");
    assert_eq!(safe_filename("...", FileKind::Csv), "file.csv");
    assert_eq!(safe_filename("a\r\nb.txt", FileKind::Text), "ab.txt");
    let long = safe_filename(&"ö".repeat(500), FileKind::Docx);
    assert!(long.len() <= FILENAME_MAX && long.ends_with(".docx"), "{long}");
}

#[test]
fn the_team_changes_files_of_anything_in_any_state() {
    let team = actor(&[Role::Facilitator]);
    let owner = actor(&[Role::NeedsOwner]);
    let innovator = actor(&[Role::Innovator]);
    for state in ChallengeState::ALL {
        assert_eq!(
            authorize_change(Parent::Challenge(&challenge(&owner, state)), &team, "attach_file"),
            Ok(())
        );
    }
    for state in IdeaState::ALL {
        let idea = idea(&innovator, &[], state);
        assert_eq!(authorize_change(Parent::Idea(&idea), &team, "attach_file"), Ok(()));
        for running in [true, false] {
            assert_eq!(
                authorize_change(Parent::Test { idea: &idea, running }, &team, "attach_file"),
                Ok(())
            );
        }
    }
}

#[test]
fn the_owner_changes_a_challenges_files_while_it_is_theirs_to_edit() {
    let owner = actor(&[Role::NeedsOwner]);
    for state in ChallengeState::ALL {
        let result = authorize_change(Parent::Challenge(&challenge(&owner, state)), &owner, "attach_file");
        match state {
            ChallengeState::Draft | ChallengeState::ChangesRequested => assert_eq!(result, Ok(())),
            _ => assert_eq!(
                result,
                Err(Refusal::InvalidTransition {
                    from: state.as_str(),
                    command: "attach_file"
                })
            ),
        }
    }
}

#[test]
fn anyone_else_is_refused_a_challenges_files() {
    let owner = actor(&[Role::NeedsOwner]);
    let other_owner = actor(&[Role::NeedsOwner]);
    let innovator = actor(&[Role::Innovator]);
    for stranger in [&other_owner, &innovator] {
        assert_eq!(
            authorize_change(
                Parent::Challenge(&challenge(&owner, ChallengeState::Draft)),
                stranger,
                "remove_file"
            ),
            Err(Refusal::not_permitted(ForbiddenReason::OnlyEditorsChangeFiles))
        );
    }
}

#[test]
fn the_team_of_an_idea_changes_its_files_until_the_decision() {
    let innovator = actor(&[Role::Innovator]);
    let member = actor(&[Role::Innovator]);
    for state in IdeaState::ALL {
        let idea = idea(&innovator, &[&member], state);
        for author in [&innovator, &member] {
            let result = authorize_change(Parent::Idea(&idea), author, "attach_file");
            match state {
                IdeaState::Draft | IdeaState::Submitted | IdeaState::InAssessment => assert_eq!(result, Ok(())),
                _ => assert_eq!(
                    result,
                    Err(Refusal::InvalidTransition {
                        from: state.as_str(),
                        command: "attach_file"
                    }),
                    "{state:?}"
                ),
            }
        }
    }
}

#[test]
fn the_panel_and_the_needs_owner_do_not_change_an_ideas_files() {
    let innovator = actor(&[Role::Innovator]);
    let assessor = actor(&[Role::Assessor]);
    let mut idea = idea(&innovator, &[], IdeaState::InAssessment);
    let owner = actor(&[Role::NeedsOwner]);
    idea.challenge_owner_id = owner.id;
    for other in [&assessor, &owner] {
        assert_eq!(
            authorize_change(Parent::Idea(&idea), other, "attach_file"),
            Err(Refusal::not_permitted(ForbiddenReason::OnlyEditorsChangeFiles))
        );
    }
}

#[test]
fn the_team_of_an_idea_changes_its_tests_files_while_the_test_runs() {
    let innovator = actor(&[Role::Innovator]);
    let member = actor(&[Role::Innovator]);
    let stranger = actor(&[Role::Innovator]);
    let running = idea(&innovator, &[&member], IdeaState::InTesting);
    for author in [&innovator, &member] {
        assert_eq!(
            authorize_change(
                Parent::Test {
                    idea: &running,
                    running: true
                },
                author,
                "attach_file"
            ),
            Ok(())
        );
    }
    let completed = idea(&innovator, &[&member], IdeaState::Completed);
    assert_eq!(
        authorize_change(
            Parent::Test {
                idea: &completed,
                running: false
            },
            &member,
            "remove_file"
        ),
        Err(Refusal::InvalidTransition {
            from: "completed",
            command: "remove_file"
        })
    );
    assert_eq!(
        authorize_change(
            Parent::Test {
                idea: &running,
                running: true
            },
            &stranger,
            "attach_file"
        ),
        Err(Refusal::not_permitted(ForbiddenReason::OnlyEditorsChangeFiles))
    );
}

#[test]
fn a_record_takes_twenty_files() {
    assert_eq!(check_room(0), Ok(()));
    assert_eq!(check_room(MAX_PER_PARENT - 1), Ok(()));
    assert_eq!(
        check_room(MAX_PER_PARENT),
        Err(Refusal::GuardFailed(ConflictReason::TooManyFiles { max: 20 }))
    );
}
