//! `paytoken verify`: is this payment really paid, for this amount? The library looks it
//! up and answers a verdict (issue 25); this prints it and exits 0 only when verified,
//! so that a script can `paytoken verify ID --amount N && fulfil`.

use serde_json::{json, Map, Value};

use crate::args::VerifyArgs;
use crate::exit::{CliError, EX_NOT_VERIFIED};
use crate::native::Client;

pub fn payment(client: &Client, args: &VerifyArgs, json: bool) -> Result<(), CliError> {
    let mut request = Map::new();
    let mut put = |key: &str, value: &Option<String>| {
        if let Some(v) = value {
            request.insert(key.to_owned(), Value::String(v.clone()));
        }
    };
    put("paymentId", &args.payment_id);
    put("orderId", &args.order_id);
    put("orderDate", &args.order_date);
    put("currency", &args.currency);
    // The amount goes as text: the library reads it as an integer, never a float.
    put("amount", &args.amount);
    let verdict = client.verify_payment(&Value::Object(request).to_string())?;
    let verified = verdict["verified"] == json!(true);
    if json {
        println!("{verdict}");
    } else if verified {
        println!(
            "VERIFIED: {} {} paid, {} {}",
            verdict["gateway"].as_str().unwrap_or("?"),
            verdict["paymentId"].as_str().unwrap_or("?"),
            verdict["amount"],
            verdict["currency"].as_str().unwrap_or("")
        );
    } else {
        println!(
            "NOT VERIFIED (status {}):",
            verdict["status"].as_str().unwrap_or("?")
        );
        for reason in verdict["reasons"].as_array().into_iter().flatten() {
            println!(
                "  {}: {}",
                reason["code"].as_str().unwrap_or("?"),
                reason["message"].as_str().unwrap_or("")
            );
        }
    }
    if verified {
        Ok(())
    } else {
        Err(CliError::new(
            EX_NOT_VERIFIED,
            "the payment is not verified (see the reasons on stdout)",
        ))
    }
}
