//! The typed Rust client against the real server: what a customer's
//! integration would do, end to end.

use crate::common::{create_token, spawn_app};
use app::client::{ClientError, ResponseQuery, VoxClient};
use app::domain::response::ResponseInput;
use app::domain::survey::{Question, QuestionKind, SurveyDraft, SurveyPatch, SurveyStatus};
use serde_json::json;

fn draft() -> SurveyDraft {
    SurveyDraft {
        name: "Post-visit".into(),
        status: SurveyStatus::Published,
        questions: vec![Question {
            id: "score".into(),
            title: "How was your visit?".into(),
            description: None,
            required: true,
            kind: QuestionKind::Csat,
            show_if: None,
            logic: Vec::new(),
            validation: Default::default(),
            shuffle: false,
        }],
        ..Default::default()
    }
}

#[tokio::test]
async fn an_integration_manages_surveys_and_reads_responses() {
    let app = spawn_app().await;
    let session = app.signed_in("Clinic").await;
    let scopes = ["surveys:read", "surveys:write", "responses:read", "responses:write"];
    let (_, token) = create_token(&app, &session, &scopes).await;
    let vox = VoxClient::new(&app.base, &token).unwrap();

    let survey = vox.create_survey(&draft(), Some("setup-1")).await.unwrap();
    let again = vox.create_survey(&draft(), Some("setup-1")).await.unwrap();
    assert_eq!(survey.id, again.id, "a retried create is the same survey");
    assert_eq!(vox.list_surveys(1).await.unwrap().meta.total, 1);

    let read = vox.get_survey(&survey.id).await.unwrap();
    let etag = read.etag.clone().expect("an ETag");
    let renamed = vox
        .update_survey(
            &survey.id,
            &SurveyPatch { name: Some("After your visit".into()), ..Default::default() },
            Some(&etag),
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "After your visit");
    let stale = vox
        .update_survey(&survey.id, &SurveyPatch { name: Some("Stale".into()), ..Default::default() }, Some(&etag))
        .await
        .unwrap_err();
    assert_eq!(stale.status(), Some(412));

    let answers = json!({"score": 5}).as_object().unwrap().clone();
    let id = vox.submit_response(&survey.id, &ResponseInput { answers, ..Default::default() }).await.unwrap();
    let bad = json!({"score": 6}).as_object().unwrap().clone();
    match vox.submit_response(&survey.id, &ResponseInput { answers: bad, ..Default::default() }).await.unwrap_err() {
        ClientError::Api { status, errors, .. } => {
            assert_eq!(status, 422);
            assert_eq!(errors[0].field, "answers.score");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    let page = vox
        .list_responses(&survey.id, &ResponseQuery { completed: Some(true), ..Default::default() }, 1)
        .await
        .unwrap();
    assert_eq!(page.meta.total, 1);
    assert_eq!(vox.get_response(&id).await.unwrap().answers["score"], 5);
    vox.delete_response(&id).await.unwrap();
    assert!(VoxClient::is_not_found(&vox.get_response(&id).await.unwrap_err()));
    vox.delete_survey(&survey.id).await.unwrap();
    assert!(VoxClient::is_not_found(&vox.get_survey(&survey.id).await.unwrap_err()));
}

#[tokio::test]
async fn the_client_reports_missing_scopes_and_bad_tokens() {
    let app = spawn_app().await;
    let session = app.signed_in("Clinic").await;
    let (_, read_only) = create_token(&app, &session, &["surveys:read"]).await;
    let vox = VoxClient::new(&app.base, &read_only).unwrap();
    match vox.create_survey(&draft(), None).await.unwrap_err() {
        ClientError::Api { status, detail, .. } => {
            assert_eq!(status, 403);
            assert!(detail.contains("surveys:write"));
        }
        other => panic!("{other:?}"),
    }
    let nobody = VoxClient::new(&app.base, "not-a-token").unwrap();
    assert_eq!(nobody.list_surveys(1).await.unwrap_err().status(), Some(401));
    assert!(VoxClient::new("ftp://example.com", "t").is_err());
}
